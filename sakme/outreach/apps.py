from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "sakme.outreach"
    verbose_name = _("Outreach")
    default_auto_field = "django.db.models.BigAutoField"

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "sakme.assistance"
    verbose_name = _("Social assistance")
    default_auto_field = "django.db.models.BigAutoField"

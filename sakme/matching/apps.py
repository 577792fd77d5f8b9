from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "sakme.matching"
    verbose_name = _("Matching of job seekers and vacancies")
    default_auto_field = "django.db.models.BigAutoField"

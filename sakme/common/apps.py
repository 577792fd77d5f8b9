from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "sakme.common"
    verbose_name = "Common"

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "sakme.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from sakme.accounts import session_limits  # noqa: F401  (connects the sign-in signal)

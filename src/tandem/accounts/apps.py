from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tandem.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from tandem.accounts import signals  # noqa: F401

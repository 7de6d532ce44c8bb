from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "tandem.sso"
    label = "sso"
    verbose_name = "Single sign-on"

    def ready(self) -> None:
        from tandem.accounts.signin import register
        from tandem.sso.config import provider_origins, sign_in_options

        register(sign_in_options, provider_origins)

from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    """Chat integrations (Slack today; Teams beside it later as ``integrations/teams``).

    Sits just below the shell: it calls the services of matches and relationships, and lower apps
    reach it only through the registries it fills here (notify's channels and renderers) and the
    signals it listens to.
    """

    name = "tandem.integrations"
    label = "integrations"
    verbose_name = "Integrations"

    def ready(self) -> None:
        from tandem.integrations.slack import receivers, registration

        registration.register()
        receivers.connect()

from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    """Chat integrations: Slack (``integrations/slack``) and Microsoft Teams
    (``integrations/teams``), each a channel on notify's channel layer.

    Sits just below the shell: it calls the services of matches and relationships, and lower apps
    reach it only through the registries it fills here (notify's channels and renderers) and the
    signals it listens to.
    """

    name = "tandem.integrations"
    label = "integrations"
    verbose_name = "Integrations"

    def ready(self) -> None:
        from tandem.integrations.slack import receivers, registration
        from tandem.integrations.teams import receivers as teams_receivers
        from tandem.integrations.teams import registration as teams_registration

        registration.register()
        receivers.connect()
        teams_registration.register()
        teams_receivers.connect()

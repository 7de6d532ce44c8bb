from django.apps import AppConfig


class MatchesConfig(AppConfig):
    name = "tandem.matches"
    label = "matches"
    verbose_name = "Matching"

    def ready(self) -> None:
        from tandem.matches.services.standings import register_actions

        register_actions()

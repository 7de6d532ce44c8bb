from django.apps import AppConfig


class MatchesConfig(AppConfig):
    name = "tandem.matches"
    label = "matches"
    verbose_name = "Matching"

    def ready(self) -> None:
        from tandem.matches import (
            answer_actions,
            emails,
            receivers,  # noqa: F401  (connects the receivers)
        )
        from tandem.matches.services.standings import register_actions

        answer_actions.register()
        emails.register()
        register_actions()

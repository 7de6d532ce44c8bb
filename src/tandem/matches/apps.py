from django.apps import AppConfig


class MatchesConfig(AppConfig):
    name = "tandem.matches"
    label = "matches"
    verbose_name = "Matching"

    def ready(self) -> None:
        from tandem.matches import receivers  # noqa: F401  (connects the receivers)

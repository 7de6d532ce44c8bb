from django.apps import AppConfig


class MatchesConfig(AppConfig):
    name = "tandem.matches"
    label = "matches"
    verbose_name = "Matching"

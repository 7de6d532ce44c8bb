from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The synthetic organisation behind ``make demo``; at the top, it may use every app."""

    name = "tandem.demo"
    label = "demo"
    verbose_name = "Demo organisation"

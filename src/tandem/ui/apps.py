from django.apps import AppConfig


class UiConfig(AppConfig):
    """The UI kit any app may use: base layout, form rendering, charts, filters, CSS and JS."""

    name = "tandem.ui"
    label = "ui"
    verbose_name = "UI kit"

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "tandem.web"
    label = "web"
    verbose_name = "Web interface"

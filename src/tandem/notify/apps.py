from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "tandem.notify"
    label = "notify"
    verbose_name = "Notifications"

from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "tandem.learning"
    label = "learning"
    verbose_name = "Learning"

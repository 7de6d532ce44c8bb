from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "tandem.learning"
    label = "learning"
    verbose_name = "Learning"

    def ready(self) -> None:
        from tandem.learning.selectors import enrolment_notes
        from tandem.programs.extensions import register_enrolment_notes

        register_enrolment_notes(enrolment_notes)

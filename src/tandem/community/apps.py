from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "tandem.community"
    label = "community"
    verbose_name = "Group sessions and discussions"

    def ready(self) -> None:
        from tandem.community.selectors import recognition
        from tandem.community.services.rsvp import register_actions
        from tandem.people.recognition import register_recognition

        register_actions()
        register_recognition(recognition)

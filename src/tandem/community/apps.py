from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "tandem.community"
    label = "community"
    verbose_name = "Group sessions and discussions"

    def ready(self) -> None:
        from tandem.community.services.rsvp import register_actions

        register_actions()

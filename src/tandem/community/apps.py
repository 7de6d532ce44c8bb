from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "tandem.community"
    label = "community"
    verbose_name = "Group sessions and discussions"

    def ready(self) -> None:
        from tandem.community.selectors import program_links, recognition
        from tandem.community.services.rsvp import register_actions
        from tandem.people.recognition import register_recognition
        from tandem.programs.extensions import register_program_links

        register_actions()
        register_recognition(recognition)
        register_program_links(program_links)

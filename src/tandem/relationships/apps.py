from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "tandem.relationships"
    label = "relationships"
    verbose_name = "Relationships"

    def ready(self) -> None:
        from tandem.relationships import receivers  # noqa: F401  (connects the receivers)
        from tandem.relationships.services.checkins import register_actions

        register_actions()

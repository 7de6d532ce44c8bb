from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "tandem.programs"
    label = "programs"
    verbose_name = "Programs"

    def ready(self) -> None:
        from tandem.programs import receivers  # noqa: F401  (connects the receivers)

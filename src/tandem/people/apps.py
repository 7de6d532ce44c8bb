from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "tandem.people"
    label = "people"
    verbose_name = "People directory"

    def ready(self) -> None:
        from tandem.notify.preferences import register_zone_lookup
        from tandem.people.selectors import timezones_of_users

        register_zone_lookup(timezones_of_users)

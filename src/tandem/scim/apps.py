from django.apps import AppConfig


class ScimConfig(AppConfig):
    name = "tandem.scim"
    label = "scim"
    verbose_name = "SCIM provisioning"

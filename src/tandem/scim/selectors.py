"""Reads for the SCIM server and the admin pages."""

from __future__ import annotations

from django.db.models import F, QuerySet

from tandem.people.models import Person
from tandem.scim.models import ScimGroup, ScimToken


def scim_people() -> QuerySet[Person]:
    """Every person SCIM can see: the whole directory except people it DELETEd."""
    return (
        Person.objects.select_related("user", "department", "manager__user", "scim")
        .exclude(scim__deleted_at__isnull=False)
        .order_by("pk")
    )


def scim_person(resource_id: str) -> Person | None:
    if not resource_id.isdigit():
        return None
    return scim_people().filter(pk=int(resource_id)).first()


def scim_groups() -> QuerySet[ScimGroup]:
    return ScimGroup.objects.order_by("pk")


def scim_group(resource_id: str) -> ScimGroup | None:
    if not resource_id.isdigit():
        return None
    return ScimGroup.objects.filter(pk=int(resource_id)).first()


def groups_of(person: Person) -> list[ScimGroup]:
    return list(person.scim_groups.order_by("display_name"))


def group_members(group: ScimGroup) -> list[Person]:
    return list(group.members.select_related("user").order_by("pk"))


def scim_tokens() -> QuerySet[ScimToken]:
    return ScimToken.objects.select_related("created_by").order_by(
        F("revoked_at").asc(nulls_first=True), "-created_at"
    )


def directory_group_names() -> list[str]:
    """The groups the identity provider pushed, for choosing who may join a program."""
    return list(ScimGroup.objects.order_by("display_name").values_list("display_name", flat=True))

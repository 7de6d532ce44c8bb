"""What the identity provider's SCIM client sent about a person (``core.personal_data``).

Erasure removes the SCIM record: if the identity provider still holds the person and pushes
them again, they arrive as a new person (ask the provider to deprovision first).
"""

from __future__ import annotations

from tandem.core.personal_data import Section, Subject, register
from tandem.scim.models import ScimGroup, ScimUser


def export(subject: Subject) -> dict[str, Section]:
    if subject.person_id is None:
        return {}
    users = ScimUser.objects.filter(person_id=subject.person_id)
    groups = ScimGroup.objects.filter(members__id=subject.person_id)
    return {
        "provisioning": Section(
            "Identity provider (SCIM) record",
            "What your organisation's identity provider sent about you.",
            [
                {
                    "user_name": u.user_name,
                    "external_id": u.external_id,
                    "attributes": u.attributes,
                    "created": u.created_at,
                    "updated": u.updated_at,
                    "groups": [g.display_name for g in groups],
                }
                for u in users
            ],
        )
    }


def erase(subject: Subject) -> dict[str, int]:
    if subject.person_id is None:
        return {}
    groups = 0
    for group in ScimGroup.objects.filter(members__id=subject.person_id):
        group.members.remove(subject.person_id)
        groups += 1
    return {
        "provisioning": ScimUser.objects.filter(person_id=subject.person_id).delete()[0],
        "group_memberships": groups,
    }


register("scim", export=export, erase=erase, order=40)

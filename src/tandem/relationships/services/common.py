"""Checks every relationship use case starts with: is the actor a member, is the match live."""

from __future__ import annotations

from tandem.accounts.models import User
from tandem.core.errors import ApplicationError, NotFound
from tandem.relationships.models import (
    Membership,
    Relationship,
    RelationshipStatus,
)


def membership_of(actor: User, relationship: Relationship) -> Membership:
    membership = (
        relationship.members.select_related("person__user").filter(person__user=actor).first()
    )
    if membership is None:
        raise NotFound()
    return membership


def require_active(relationship: Relationship) -> None:
    if relationship.status != RelationshipStatus.ACTIVE:
        raise ApplicationError(
            "This match is not active, so it cannot be changed. Ended matches stay readable."
        )

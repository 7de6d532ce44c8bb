"""The one owner of a relationship's state: created from a published run, accepted or declined,
ended (by a member, a coordinator, a new rotation round or the program's end), all through
one end path."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError
from tandem.notify.outbox import enqueue
from tandem.relationships import emails
from tandem.relationships.models import (
    LIVE_STATUSES,
    EndReason,
    Meeting,
    MeetingStatus,
    Relationship,
    RelationshipStatus,
)
from tandem.relationships.services.common import membership_of


@transaction.atomic
def relationship_close(
    *, actor: User, relationship: Relationship, early_reason: str = ""
) -> Relationship:
    """A member ends the match (at the end, or early with a reason); both are asked to write a
    closing summary. Ended relationships stay readable by the pair."""
    membership_of(actor, relationship)
    if relationship.status not in LIVE_STATUSES:
        raise ApplicationError("This match has already ended.")
    relationship.status = RelationshipStatus.ENDED
    relationship.ended_at = timezone.now()
    relationship.end_reason = EndReason.COMPLETED
    relationship.end_note = early_reason.strip()[:2000]
    relationship.ended_by = actor
    relationship.save(update_fields=["status", "ended_at", "end_reason", "end_note", "ended_by"])
    Meeting.objects.filter(
        relationship=relationship, status=MeetingStatus.SCHEDULED, starts_at__gt=timezone.now()
    ).update(status=MeetingStatus.CANCELLED)
    enqueue(
        [
            emails.closing_prompt_email(membership=m)
            for m in relationship.members.select_related("person__user")
        ]
    )
    log_action("relationship.closed", actor=actor, target=relationship)
    return relationship


def end_program_relationships(*, program_id: int) -> int:
    """When a program closes, its live matches end and everyone is asked for a summary."""
    ended = 0
    for relationship in Relationship.objects.filter(
        program_id=program_id, status__in=LIVE_STATUSES
    ):
        with transaction.atomic():
            relationship.status = RelationshipStatus.ENDED
            relationship.ended_at = timezone.now()
            relationship.end_reason = EndReason.PROGRAM_ENDED
            relationship.save(update_fields=["status", "ended_at", "end_reason"])
            enqueue(
                [
                    emails.closing_prompt_email(membership=m)
                    for m in relationship.members.select_related("person__user")
                ]
            )
            ended += 1
    return ended

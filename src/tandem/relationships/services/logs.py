"""What happens in a meeting: agenda items, the log with which hat brought each topic, private
notes (for the pair only), and the gentle nudge when one side always brings the topics."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, FieldError
from tandem.core.schemas import LONG_TEXT
from tandem.notify.outbox import enqueue
from tandem.people.models import Person
from tandem.relationships import emails, health
from tandem.relationships.models import (
    AgendaItem,
    LoggedTopic,
    Meeting,
    MeetingLog,
    MeetingStatus,
    Nudge,
    PrivateNote,
    Relationship,
)
from tandem.relationships.selectors import topic_bringers
from tandem.relationships.services.common import membership_of, require_active
from tandem.relationships.services.health import refresh_health
from tandem.relationships.services.meetings import _own_meeting


@transaction.atomic
def agenda_add(*, actor: User, meeting: Meeting, text: str) -> AgendaItem:
    person = _own_meeting(actor, meeting).person
    require_active(meeting.relationship)
    text = " ".join(text.split())
    if not text:
        raise ApplicationError(
            "Write the agenda item.", errors=[FieldError("Required.", field="text")]
        )
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ApplicationError("The agenda is for meetings that are still ahead.")
    return AgendaItem.objects.create(meeting=meeting, added_by=person, text=text[:500])


@transaction.atomic
def agenda_remove(*, actor: User, item: AgendaItem) -> None:
    _own_meeting(actor, item.meeting)
    item.delete()


@transaction.atomic
def log_save(
    *,
    actor: User,
    meeting: Meeting,
    topics: Sequence[tuple[str, Person]],
    takeaways: str,
    next_steps: str,
    private_note: str = "",
) -> MeetingLog:
    """Record a held meeting from one side: topics and who brought each (the hat they wore)."""
    person = _own_meeting(actor, meeting).person
    relationship = meeting.relationship
    if meeting.status == MeetingStatus.CANCELLED:
        raise ApplicationError("A cancelled meeting cannot be logged.")
    if meeting.starts_at > timezone.now():
        raise ApplicationError("Log a meeting after it has taken place.")
    members = set(relationship.members.values_list("person_id", flat=True))
    topics = [(title.strip()[:300], bringer) for title, bringer in topics if title.strip()]
    if not topics:
        raise ApplicationError(
            "Add at least one topic you talked about.",
            errors=[FieldError("Add a topic.", field="topics")],
        )
    if any(bringer.pk not in members for _, bringer in topics):
        raise ApplicationError("Each topic was brought by someone in this match.")
    log, _ = MeetingLog.objects.update_or_create(
        meeting=meeting,
        author=person,
        defaults={
            "takeaways": takeaways.strip(),
            "next_steps": next_steps.strip(),
            "updated_at": timezone.now(),
        },
    )
    log.topics.all().delete()
    LoggedTopic.objects.bulk_create(
        [LoggedTopic(log=log, title=t, brought_by=b) for t, b in topics]
    )
    if private_note.strip():
        PrivateNote.objects.create(
            relationship=relationship, meeting=meeting, author=person, text=private_note.strip()
        )
    if meeting.status == MeetingStatus.SCHEDULED:
        meeting.status = MeetingStatus.HELD
        meeting.save(update_fields=["status"])
    _reciprocity_nudge(relationship)
    refresh_health(relationship)
    log_action("relationship.meeting_logged", actor=actor, target=relationship)
    return log


def _reciprocity_nudge(relationship: Relationship) -> None:
    bringers = topic_bringers(relationship)
    person = health.one_sided_streak(bringers)
    if person is None:
        return
    key = f"reciprocity:{len(bringers)}"
    if (
        Nudge.objects.filter(relationship=relationship, key__startswith="reciprocity:")
        .filter(created_at__gt=timezone.now() - timedelta(days=21))
        .exists()
    ):
        return
    Nudge.objects.create(relationship=relationship, key=key)
    enqueue(
        [
            emails.reciprocity_nudge_email(membership=m)
            for m in relationship.members.select_related("person__user")
        ]
    )


@transaction.atomic
def note_add(*, actor: User, relationship: Relationship, text: str) -> PrivateNote:
    person = membership_of(actor, relationship).person
    require_active(relationship)
    if not text.strip():
        raise ApplicationError("Write the note.", errors=[FieldError("Required.", field="text")])
    if len(text) > LONG_TEXT:
        raise ApplicationError(
            "The note is too long.",
            errors=[FieldError(f"At most {LONG_TEXT:,} characters.", field="text")],
        )
    return PrivateNote.objects.create(relationship=relationship, author=person, text=text.strip())

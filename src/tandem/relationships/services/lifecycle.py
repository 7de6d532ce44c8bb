"""The one owner of a relationship's state: created from a published run, accepted or declined,
ended by a member, a coordinator, a new rotation round or the program's end — every ending
through :func:`end_relationship`, so each has the same side effects."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, FieldError, NotFound
from tandem.notify.outbox import EmailToSend, enqueue
from tandem.people.models import Person
from tandem.programs.models import Program
from tandem.programs.selectors import can_coordinate
from tandem.relationships import emails
from tandem.relationships.models import (
    LIVE_STATUSES,
    EndReason,
    Membership,
    Relationship,
    RelationshipStatus,
    RepairRequest,
)
from tandem.relationships.services.common import membership_of
from tandem.relationships.services.meetings import cancel_upcoming_meetings

# --- creating ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewMember:
    person: Person
    role: str = ""
    explanation: list[dict[str, object]] = field(default_factory=list)


@dataclass(frozen=True)
class NewRelationship:
    """One published group: who is in it, its score and why they were matched."""

    members: Sequence[NewMember]
    score: float
    explanation: list[dict[str, object]]


def relationships_create(
    *,
    program: Program,
    groups: Sequence[NewRelationship],
    run_id: int | None,
    round_number: int | None,
    starts_active: bool,
    accepted: bool,
    respond_by: date | None,
    now: datetime,
) -> list[tuple[Relationship, list[Membership]]]:
    """Relationships and their memberships in two bulk inserts, inside the caller's transaction.

    ``starts_active`` skips the answer step (rotations, buddies, programs that do not ask);
    ``accepted`` records everyone as having accepted (coffee rotation rounds).
    """
    relationships = Relationship.objects.bulk_create(
        [
            Relationship(
                program=program,
                run_id=run_id,
                round=round_number,
                score=group.score,
                explanation=group.explanation,
                created_at=now,
                status=RelationshipStatus.ACTIVE if starts_active else RelationshipStatus.PROPOSED,
                activated_at=now if starts_active else None,
                crosses_departments=len({m.person.department_id for m in group.members} - {None})
                > 1,
            )
            for group in groups
        ]
    )
    memberships = Membership.objects.bulk_create(
        [
            Membership(
                relationship=relationship,
                person=member.person,
                role=member.role,
                explanation=member.explanation,
                respond_by=None if starts_active else respond_by,
                accepted_at=now if accepted else None,
            )
            for relationship, group in zip(relationships, groups, strict=True)
            for member in group.members
        ]
    )
    by_relationship: dict[int, list[Membership]] = {r.pk: [] for r in relationships}
    for membership in memberships:
        by_relationship[membership.relationship_id].append(membership)
    return [(r, by_relationship[r.pk]) for r in relationships]


def membership_join(*, relationship: Relationship, member: NewMember, now: datetime) -> Membership:
    """A third person joins a live pair (re-matching the pool into trios), inside the caller's
    transaction. The pair keeps its history, meetings and goals; the newcomer is in at once (an
    active match has nothing left to accept) and can ask to be re-paired like anyone."""
    return Membership.objects.create(
        relationship=relationship,
        person=member.person,
        role=member.role,
        explanation=member.explanation,
        accepted_at=now,
    )


def end_relationship(
    relationship: Relationship,
    *,
    reason: str,
    by: User | None,
    note: str = "",
    declined_by: Membership | None = None,
) -> Relationship:
    """The one way a relationship ends, inside the caller's transaction.

    It records who ended it and why, cancels every meeting still ahead with the same iCalendar
    CANCEL a single cancel sends, closes open re-pair requests, tells the people (what depends
    on why it ended) and writes the audit entry.
    """
    locked = Relationship.objects.select_for_update().filter(pk=relationship.pk).first()
    if locked is None or locked.status not in LIVE_STATUSES:
        raise ApplicationError("This match has already ended.")
    now = timezone.now()
    relationship.status = (
        RelationshipStatus.DECLINED if reason == EndReason.DECLINED else RelationshipStatus.ENDED
    )
    relationship.ended_at = now
    relationship.end_reason = reason
    relationship.end_note = note.strip()[:2000]
    relationship.ended_by = by
    relationship.save(update_fields=["status", "ended_at", "end_reason", "end_note", "ended_by"])
    cancelled = cancel_upcoming_meetings(relationship)
    RepairRequest.objects.filter(relationship=relationship, handled_at__isnull=True).update(
        handled_at=now, handled_by=by
    )
    enqueue(_end_notices(relationship, reason, declined_by))
    log_action(
        "relationship.ended",
        actor=by,
        target=relationship,
        data={"reason": reason, "meetings_cancelled": cancelled},
    )
    return relationship


def _end_notices(
    relationship: Relationship, reason: str, declined_by: Membership | None
) -> list[EmailToSend]:
    """Who hears what: the others after a decline; everyone asked for a closing summary when the
    pair or the program finished; everyone told when it was ended for them; nothing between
    rotation rounds (the next round's email says who is next)."""
    members = [
        m
        for m in relationship.members.select_related("person__user")
        if m.person.user.is_active and (declined_by is None or m.pk != declined_by.pk)
    ]
    if reason == EndReason.ROUND_ENDED:
        return []
    if reason == EndReason.DECLINED:
        return [
            emails.match_declined_email(relationship=relationship, membership=m) for m in members
        ]
    if reason in (EndReason.COMPLETED, EndReason.PROGRAM_ENDED):
        return [emails.closing_prompt_email(membership=m) for m in members]
    return [emails.match_ended_email(relationship=relationship, membership=m) for m in members]


@transaction.atomic
def relationship_end(
    *, actor: User, relationship: Relationship, reason: str, note: str = ""
) -> Relationship:
    """A coordinator ends a match (re-pairing, someone left, …); the note stays with them."""
    if not can_coordinate(actor, relationship.program):
        raise NotFound()
    if relationship.status not in LIVE_STATUSES:
        raise ApplicationError("This match has already ended.")
    if reason not in EndReason.values:
        raise ApplicationError(
            "Choose why the match ends.", errors=[FieldError("Required.", field="reason")]
        )
    return end_relationship(relationship, reason=reason, by=actor, note=note)


@transaction.atomic
def relationship_close(
    *, actor: User, relationship: Relationship, early_reason: str = ""
) -> Relationship:
    """A member ends the match (at the end, or early with a reason); both are asked to write a
    closing summary. Ended relationships stay readable by the pair."""
    membership_of(actor, relationship)
    return end_relationship(relationship, reason=EndReason.COMPLETED, by=actor, note=early_reason)


def end_round_relationships(*, program: Program) -> int:
    """A new rotation round begins: the last round's pairs end, quietly."""
    live = Relationship.objects.filter(
        program=program, status__in=LIVE_STATUSES, round__isnull=False
    )
    for relationship in live:
        end_relationship(relationship, reason=EndReason.ROUND_ENDED, by=None)
    return len(live)


def end_leavers_relationships(*, person_ids: Sequence[int], by: User | None) -> int:
    """People left the organisation: their live matches end through the one end path, inside
    the leaving's transaction. Partners are told a new match will follow and stay enrolled, so
    the next matching run offers them one."""
    ended = 0
    live = Relationship.objects.filter(
        status__in=LIVE_STATUSES, members__person_id__in=person_ids
    ).distinct()
    for relationship in live.order_by("pk"):
        end_relationship(relationship, reason=EndReason.LEFT, by=by)
        ended += 1
    return ended


def end_program_relationships(*, program: Program, by: User | None) -> int:
    """When a program closes, its live matches end and everyone is asked for a summary."""
    ended = 0
    for relationship in Relationship.objects.filter(program=program, status__in=LIVE_STATUSES):
        with transaction.atomic():
            end_relationship(relationship, reason=EndReason.PROGRAM_ENDED, by=by)
            ended += 1
    return ended

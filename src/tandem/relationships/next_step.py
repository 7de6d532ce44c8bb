"""One answer to "what should I do next in this match?", used by the home page, the
relationship page and the messages people get, so they never disagree.

The order follows a relationship's life: answer the match → plan the kickoff → hold it (and log
it) → set a goal → keep meeting → write the closing summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone

from tandem.people.models import Person
from tandem.relationships.models import (
    Meeting,
    MeetingKind,
    MeetingStatus,
    Membership,
    Relationship,
    RelationshipStatus,
)


@dataclass(frozen=True)
class NextStep:
    text: str
    url: str = ""
    action: str = ""

    @property
    def actionable(self) -> bool:
        return bool(self.url)


def next_step(relationship: Relationship, person: Person, now: datetime | None = None) -> NextStep:
    """Reads members (with person, user and closing), meetings with their logs, and goals
    through ``.all()``, so a list can be prefetched at once (``prefetch_for_next_step``)."""
    now = now or timezone.now()
    members = list(relationship.members.all())
    mine = next((m for m in members if m.person_id == person.pk), None)
    if mine is None:
        return NextStep("")
    others = [m for m in members if m.person_id != person.pk]
    if relationship.status == RelationshipStatus.DECLINED:
        return NextStep("This match did not go ahead; you stay in the pool for a new one.")
    if relationship.status == RelationshipStatus.ENDED:
        return _after_the_end(relationship, mine)
    if relationship.status == RelationshipStatus.PROPOSED:
        return _answer(mine, others)
    return _meetings(relationship, person, now)


def _answer(mine: Membership, others: list[Membership]) -> NextStep:
    if mine.accepted_at is None and mine.declined_at is None:
        due = f" by {mine.respond_by:%-d %b}" if mine.respond_by else ""
        return NextStep(
            f"Answer your match{due}", reverse("matches:my_match", args=[mine.pk]), "Answer"
        )
    waiting = [m.person.user.name for m in others if m.accepted_at is None]
    names = " and ".join(waiting) or "your partner"
    return NextStep(f"You accepted; waiting for {names} to answer.")


def _meetings(relationship: Relationship, person: Person, now: datetime) -> NextStep:
    meetings = [m for m in relationship.meetings.all() if m.status != MeetingStatus.CANCELLED]
    held = [m for m in meetings if m.status == MeetingStatus.HELD]
    upcoming = sorted(
        (m for m in meetings if m.status == MeetingStatus.SCHEDULED and m.starts_at > now),
        key=lambda m: m.starts_at,
    )
    unlogged = _unlogged(meetings, person, now)
    schedule = reverse("relationships:schedule", args=[relationship.pk])
    if unlogged is not None:
        return NextStep(
            f"Log your {unlogged.get_kind_display().lower()} meeting of "
            f"{timezone.localtime(unlogged.starts_at):%-d %b}",
            reverse("relationships:meeting_log", args=[relationship.pk, unlogged.pk]),
            "Log it",
        )
    if not held and not upcoming:
        return NextStep(
            "Plan your kickoff meeting", f"{schedule}?kind={MeetingKind.KICKOFF}", "Find a time"
        )
    if not held:
        first = upcoming[0]
        return NextStep(
            f"Your kickoff is on {timezone.localtime(first.starts_at):%a %-d %b, %H:%M}: "
            "look at the agenda",
            reverse("relationships:kickoff", args=[relationship.pk]),
            "Prepare",
        )
    if not any(g.owner_id == person.pk for g in relationship.goals.all()):
        return NextStep(
            "Set your first goal",
            reverse("relationships:goal_new", args=[relationship.pk]),
            "Set a goal",
        )
    if not upcoming:
        return NextStep("Plan your next meeting", schedule, "Find a time")
    nxt = upcoming[0]
    return NextStep(
        f"Next meeting {timezone.localtime(nxt.starts_at):%a %-d %b, %H:%M}",
        reverse("relationships:meeting", args=[relationship.pk, nxt.pk]),
        "Open",
    )


def _unlogged(meetings: list[Meeting], person: Person, now: datetime) -> Meeting | None:
    """The latest meeting in the last 30 days that has passed and that this person has not
    logged (held ones, or scheduled ones nobody marked)."""
    past = [
        m
        for m in meetings
        if m.status in (MeetingStatus.HELD, MeetingStatus.SCHEDULED)
        and m.ends_at < now
        and (now - m.starts_at).days <= 30
    ]
    for meeting in sorted(past, key=lambda m: m.starts_at, reverse=True):
        if not any(log.author_id == person.pk for log in meeting.logs.all()):
            return meeting
    return None


def _after_the_end(relationship: Relationship, mine: Membership) -> NextStep:
    if not hasattr(mine, "closing"):
        return NextStep(
            "Write your closing summary: what you learned and what comes next",
            reverse("relationships:close", args=[relationship.pk]),
            "Write it",
        )
    return NextStep("This match has ended; your summary is saved.")


def prefetch_for_next_step(relationships: list[Relationship]) -> None:
    prefetch_related_objects(
        relationships,
        Prefetch("members", queryset=Membership.objects.select_related("person__user", "closing")),
        "meetings__logs",
        "goals",
    )

"""Reads for relationships. Content (meetings' agendas, logs, notes, goals) is for the members of
a relationship only; coordinators get status and counts through ``program_health``."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from django.db.models import (
    Case,
    Count,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from tandem.accounts.models import User
from tandem.core.errors import NotFound
from tandem.people.models import Person
from tandem.programs.availability import availability
from tandem.programs.models import Answer, Program, QuestionKind
from tandem.programs.selectors import can_coordinate, coordinates
from tandem.relationships import health
from tandem.relationships.models import (
    LIVE_STATUSES,
    AgendaItem,
    CalendarFeed,
    ClosingSummary,
    Concern,
    Goal,
    GoalStatus,
    GoalUpdate,
    LoggedTopic,
    Meeting,
    MeetingKind,
    MeetingLog,
    MeetingStatus,
    Membership,
    Milestone,
    PrivateNote,
    Relationship,
    RelationshipStatus,
)
from tandem.relationships.next_step import next_step, prefetch_for_next_step
from tandem.relationships.slots import Interval, PersonCalendar, Slot, WeeklyWindow, suggest_slots


def access_relationship(*, user: User, relationship_id: int) -> tuple[Relationship, Membership]:
    """The relationship and the viewer's membership — only for its members; 404 for anyone else,
    coordinators and admins included."""
    membership = (
        Membership.objects.select_related("relationship__program", "person__user")
        .filter(relationship_id=relationship_id, person__user=user)
        .first()
    )
    if membership is None:
        raise NotFound()
    return membership.relationship, membership


def access_meeting(
    *, user: User, relationship_id: int, meeting_id: int
) -> tuple[Meeting, Membership]:
    relationship, membership = access_relationship(user=user, relationship_id=relationship_id)
    meeting = relationship.meetings.select_related("organiser__user").filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound()
    return meeting, membership


def access_goal(*, user: User, relationship_id: int, goal_id: int) -> tuple[Goal, Membership]:
    relationship, membership = access_relationship(user=user, relationship_id=relationship_id)
    goal = relationship.goals.select_related("owner__user").filter(pk=goal_id).first()
    if goal is None:
        raise NotFound()
    return goal, membership


def access_own_goal(*, user: User, relationship_id: int, goal_id: int) -> Goal:
    """A goal its owner may change; its owner's partners (who may read it) get ``NotFound``."""
    goal, membership = access_goal(user=user, relationship_id=relationship_id, goal_id=goal_id)
    if goal.owner_id != membership.person_id:
        raise NotFound()
    return goal


def access_milestone(*, goal: Goal, milestone_id: int) -> Milestone:
    milestone = goal.milestones.filter(pk=milestone_id).first()
    if milestone is None:
        raise NotFound()
    milestone.goal = goal
    return milestone


def access_agenda_item(*, meeting: Meeting, item_id: int) -> AgendaItem:
    item = meeting.agenda.filter(pk=item_id).first()
    if item is None:
        raise NotFound()
    item.meeting = meeting
    return item


def access_concern(*, user: User, program: Program, concern_id: int) -> Concern:
    """A concern raised in a program the user coordinates; any other id is ``NotFound``. Admins
    who do not coordinate the program get ``NotFound`` too: concerns are for its coordinators."""
    if not coordinates(user, program):
        raise NotFound()
    concern = Concern.objects.filter(program=program, pk=concern_id).first()
    if concern is None:
        raise NotFound()
    concern.program = program
    return concern


def members(relationship: Relationship) -> list[Membership]:
    return list(
        relationship.members.select_related("person__user", "person__department").prefetch_related(
            "person__skills", "person__learning"
        )
    )


def my_relationships(user: User) -> list[Relationship]:
    """The person's relationships, each with ``partner_names``: everyone in it but them."""
    relationships: list[Relationship] = list(
        Relationship.objects.filter(members__person__user=user)
        .exclude(status=RelationshipStatus.DECLINED)
        .select_related("program")
        .prefetch_related(
            Prefetch("members", queryset=Membership.objects.select_related("person__user"))
        )
        .annotate(
            next_meeting=Min(
                "meetings__starts_at",
                filter=Q(
                    meetings__status=MeetingStatus.SCHEDULED, meetings__starts_at__gt=timezone.now()
                ),
            )
        )
        .order_by("status", "-created_at")
    )
    for relationship in relationships:
        relationship.partner_names = ", ".join(  # type: ignore[attr-defined]
            m.person.user.name for m in relationship.members.all() if m.person.user_id != user.pk
        )
    return relationships


def with_next_steps(relationships: list[Relationship], person: Person | None) -> list[Relationship]:
    """Each relationship with ``next``: what this person should do next in it (a few queries
    each, so for a person's own handful of matches, not for lists)."""
    if person is None:
        return relationships
    prefetch_for_next_step(relationships)
    for relationship in relationships:
        relationship.next = next_step(relationship, person)  # type: ignore[attr-defined]
    return relationships


def upcoming(relationship: Relationship) -> QuerySet[Meeting]:
    return relationship.meetings.filter(
        status=MeetingStatus.SCHEDULED, starts_at__gt=timezone.now() - timedelta(hours=2)
    )


def past(relationship: Relationship) -> QuerySet[Meeting]:
    return (
        relationship.meetings.exclude(
            status=MeetingStatus.SCHEDULED, starts_at__gt=timezone.now() - timedelta(hours=2)
        )
        .order_by("-starts_at")
        .prefetch_related("logs__author__user")
    )


def goals(relationship: Relationship) -> QuerySet[Goal]:
    return relationship.goals.select_related("owner__user", "skill").prefetch_related("milestones")


def active_goals(relationship: Relationship) -> QuerySet[Goal]:
    return goals(relationship).filter(status=GoalStatus.ACTIVE)


def goal_updates(goal: Goal, limit: int = 20) -> list[GoalUpdate]:
    return list(goal.updates.all()[:limit])


def kickoff_meeting(relationship: Relationship) -> Meeting | None:
    """The kickoff that is planned or was held (a cancelled one does not count)."""
    return (
        relationship.meetings.filter(kind=MeetingKind.KICKOFF)
        .exclude(status=MeetingStatus.CANCELLED)
        .first()
    )


def own_log(meeting: Meeting, person: Person) -> MeetingLog | None:
    """The person's own log of the meeting, with its topics, to edit it again."""
    return meeting.logs.filter(author=person).prefetch_related("topics").first()


def closing_of(membership: Membership) -> ClosingSummary | None:
    return ClosingSummary.objects.filter(membership=membership).first()


def has_active_calendar_feed(user: User) -> bool:
    return CalendarFeed.objects.filter(person__user=user, revoked_at__isnull=True).exists()


def notes(relationship: Relationship) -> QuerySet[PrivateNote]:
    return relationship.notes.select_related("author__user")


def reciprocity(relationship: Relationship) -> health.Balance:
    people = list(relationship.members.values_list("person_id", flat=True))
    return health.balance(topic_counts(relationship), people)


@dataclass
class DueItem:
    text: str
    url: str


CLOSING_SUMMARY_DAYS = 60  # an ended match asks for its summary on home for this long


def due_items(user: User) -> list[DueItem]:
    """What a participant should do next in each match (the one ``next_step`` rule)."""
    person = Person.objects.filter(user=user).first()
    if person is None:
        return []
    items = []
    relationships = list(
        Relationship.objects.filter(members__person=person)
        .filter(
            Q(status__in=LIVE_STATUSES)
            | Q(
                status=RelationshipStatus.ENDED,
                ended_at__gte=timezone.now() - timedelta(days=CLOSING_SUMMARY_DAYS),
            )
        )
        .select_related("program")
        .distinct()
    )
    prefetch_for_next_step(relationships)
    for relationship in relationships:
        step = next_step(relationship, person)
        if step.actionable:
            items.append(DueItem(f"{step.text} — {relationship.program.name}", step.url))
    return items


def _calendar(person: Person, program: Program, busy: list[Interval]) -> PersonCalendar:
    answer = (
        Answer.objects.filter(
            enrolment__person=person,
            enrolment__program=program,
            question__kind=QuestionKind.AVAILABILITY,
        )
        .values_list("value", flat=True)
        .first()
    )
    windows = [WeeklyWindow(w.day, w.start, w.end) for w in availability(answer or [])]
    return PersonCalendar(
        timezone=person.timezone,
        working_hours=(person.work_start, person.work_end),
        availability=windows,
        busy=busy,
    )


def suggested_slots(
    relationship: Relationship,
    *,
    duration: timedelta,
    count: int = 5,
    start: datetime | None = None,
    days: int = 14,
) -> list[Slot]:
    """Times inside everyone's working hours and availability, in their own zones, that clash
    with none of their other meetings."""
    start = start or (timezone.now() + timedelta(hours=12))
    end = start + timedelta(days=days)
    calendars = []
    for membership in relationship.members.select_related("person"):
        person = membership.person
        meetings = Meeting.objects.filter(
            relationship__members__person=person,
            status=MeetingStatus.SCHEDULED,
            starts_at__lt=end,
            ends_at__gt=start,
        ).values_list("starts_at", "ends_at")
        calendars.append(
            _calendar(person, relationship.program, [Interval(s, e) for s, e in meetings])
        )
    slots = suggest_slots(calendars, duration=duration, start=start, end=end, count=count)
    if len(slots) < count and calendars and any(c.availability for c in calendars):
        relaxed = [
            PersonCalendar(c.timezone, c.working_hours, c.working_days, (), c.busy)
            for c in calendars
        ]
        extra = suggest_slots(relaxed, duration=duration, start=start, end=end, count=count)
        seen = {s.start for s in slots}
        fallback = [replace(s, inside_availability=False) for s in extra if s.start not in seen]
        slots += fallback[: count - len(slots)]
    return sorted(slots, key=lambda s: s.start)


# --- coordinators: status and counts, never content -------------------------------------------


@dataclass
class HealthRow:
    relationship_id: int
    names: list[str]
    status: str
    health: str
    reasons: list[str]
    meetings_held: int
    last_meeting: datetime | None
    next_meeting: datetime | None
    goals: int
    since: datetime


HEALTH_ORDER = {"at_risk": 0, "attention": 1, "on_track": 2}


def program_health(
    *, user: User, program: Program, limit: int | None = None, offset: int = 0
) -> list[HealthRow]:
    """Live matches, at-risk first, from the counters the services keep (no content, ever)."""
    if not can_coordinate(user, program):
        raise NotFound()
    rank = Case(*(When(health=h, then=Value(n)) for h, n in HEALTH_ORDER.items()), default=Value(3))
    goals = (
        Goal.objects.filter(relationship=OuterRef("pk"))
        .order_by()
        .values("relationship")
        .annotate(n=Count("id"))
        .values("n")
    )
    upcoming = (
        Meeting.objects.filter(
            relationship=OuterRef("pk"),
            status=MeetingStatus.SCHEDULED,
            starts_at__gt=timezone.now(),
        )
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    relationships = (
        Relationship.objects.filter(program=program, status__in=LIVE_STATUSES)
        .annotate(rank=rank, goal_count=Subquery(goals), next=Subquery(upcoming))
        .order_by("rank", "activated_at", "pk")
    )
    page = relationships[offset : offset + limit] if limit is not None else relationships
    page = page.prefetch_related(
        Prefetch("members", queryset=Membership.objects.select_related("person__user"))
    )
    return [
        HealthRow(
            r.pk,
            [m.person.user.name for m in r.members.all()],
            r.status,
            r.health,
            list(r.health_reasons),
            r.meetings_held,
            r.last_meeting_at,
            r.next,
            r.goal_count or 0,
            r.activated_at or r.created_at,
        )
        for r in page
    ]


def health_counts(program: Program) -> dict[str, int]:
    live = Relationship.objects.filter(program=program, status__in=LIVE_STATUSES)
    counts = dict(live.values_list("health").annotate(n=Count("id")).values_list("health", "n"))
    return {key: counts.get(key, 0) for key in ("on_track", "attention", "at_risk")}


def open_concerns(*, user: User, program: Program) -> QuerySet[Concern]:
    if not can_coordinate(user, program):
        raise NotFound()
    if not coordinates(user, program):  # an admin who does not coordinate it: no texts, no names
        return Concern.objects.none()
    return Concern.objects.filter(program=program).select_related("raised_by__user")


def my_goals(user: User) -> QuerySet[Goal]:
    return Goal.objects.filter(owner__user=user, status=GoalStatus.ACTIVE).select_related(
        "relationship__program"
    )


def partner_offers(membership: Membership) -> list[str]:
    return list(membership.explanation)


def meeting_context(meeting: Meeting) -> dict[str, Any]:
    return {
        "agenda": list(meeting.agenda.select_related("added_by__user")),
        "logs": list(
            meeting.logs.select_related("author__user").prefetch_related("topics__brought_by__user")
        ),
        "notes": list(PrivateNote.objects.filter(meeting=meeting).select_related("author__user")),
    }


def topic_counts(relationship: Relationship) -> list[dict[int, int]]:
    """Per held meeting with topics, oldest first: how many topics each person brought.

    Both sides may log the same meeting; a person's count is the larger of the two logs, so a
    topic both wrote down is not counted twice.
    """
    rows = LoggedTopic.objects.filter(log__meeting__relationship=relationship).values_list(
        "log__meeting_id", "log__meeting__starts_at", "log_id", "brought_by_id"
    )
    meetings: dict[int, datetime] = {}
    per_log: dict[tuple[int, int], dict[int, int]] = {}
    for meeting_id, starts_at, log_id, person_id in rows:
        meetings[meeting_id] = starts_at
        counts = per_log.setdefault((meeting_id, log_id), {})
        counts[person_id] = counts.get(person_id, 0) + 1
    result = []
    for meeting_id in sorted(meetings, key=lambda m: meetings[m]):
        merged: dict[int, int] = {}
        for (mid, _), counts in per_log.items():
            if mid == meeting_id:
                for person, count in counts.items():
                    merged[person] = max(merged.get(person, 0), count)
        result.append(merged)
    return result


def topic_bringers(relationship: Relationship) -> list[list[int]]:
    """Per held meeting with topics, oldest first: who brought at least one of them."""
    return [sorted(counts) for counts in topic_counts(relationship)]


def health_settings(relationship: Relationship) -> health.HealthSettings:
    program = relationship.program
    return health.HealthSettings(
        cadence_days=health.CADENCE_DAYS.get(program.cadence, 14),
        grace_days=program.meeting_grace_days,
        inactivity_warning_days=program.inactivity_warning_days,
        inactivity_alert_days=program.inactivity_alert_days,
    )


def health_facts(relationship: Relationship, now: datetime) -> health.Facts:
    meetings = list(relationship.meetings.values_list("starts_at", "status"))
    return health.Facts(
        activated_at=relationship.activated_at or relationship.created_at,
        held=[s for s, st in meetings if st == MeetingStatus.HELD],
        missed=[s for s, st in meetings if st == MeetingStatus.MISSED],
        upcoming=[s for s, st in meetings if st == MeetingStatus.SCHEDULED and s > now],
        unmarked=[s for s, st in meetings if st == MeetingStatus.SCHEDULED and s <= now],
        goals=relationship.goals.count(),
        topic_bringers=topic_bringers(relationship),
        members=list(relationship.members.values_list("person_id", flat=True)),
        quiet_members=relationship.members.filter(ghosted_at__isnull=False).count(),
        proposed=relationship.status == RelationshipStatus.PROPOSED,
        unanswered=relationship.members.filter(
            accepted_at__isnull=True, declined_at__isnull=True
        ).count(),
        respond_by=min(
            (d for d in relationship.members.values_list("respond_by", flat=True) if d),
            default=None,
        ),
    )


def meetings(relationship: Relationship) -> QuerySet[Meeting]:
    return relationship.meetings.all()


def agenda(meeting: Meeting) -> QuerySet[AgendaItem]:
    return meeting.agenda.all()


def member_people(relationship: Relationship) -> dict[int, Person]:
    """The people in a relationship by id (who may have brought a logged topic)."""
    return {m.person_id: m.person for m in relationship.members.select_related("person__user")}


def topic_count(log: MeetingLog) -> int:
    return log.topics.count()

"""The life of a relationship: meetings and invitations, agendas, logs with hats, private notes,
goals, concerns, closing. Only members of a relationship can change it; one transaction each."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from tandem.accounts.models import User
from tandem.accounts.tokens import digest, new_secret
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, FieldError, NotFound
from tandem.notify.outbox import EmailToSend, enqueue
from tandem.people.models import Person, Skill
from tandem.programs.models import Enrolment, EnrolmentStatus, ProgramStatus
from tandem.relationships import emails, health
from tandem.relationships.agendas import template_items
from tandem.relationships.calendars import invitation_attachment
from tandem.relationships.models import (
    LIVE_STATUSES,
    AgendaItem,
    CalendarFeed,
    ClosingSummary,
    Concern,
    EndReason,
    Goal,
    GoalStatus,
    GoalUpdate,
    LoggedTopic,
    Meeting,
    MeetingKind,
    MeetingLog,
    MeetingSeries,
    MeetingStatus,
    Membership,
    Milestone,
    NextStep,
    Nudge,
    PrivateNote,
    Relationship,
    RelationshipStatus,
    reciprocity_of,
)
from tandem.relationships.slots import series_occurrences

MAX_MEETING = timedelta(hours=4)


def membership_of(actor: User, relationship: Relationship) -> Membership:
    membership = (
        relationship.members.select_related("person__user").filter(person__user=actor).first()
    )
    if membership is None:
        raise NotFound()
    return membership


def _require_live(relationship: Relationship) -> None:
    if relationship.status != RelationshipStatus.ACTIVE:
        raise ApplicationError(
            "This match is not active, so it cannot be changed. Ended matches stay readable."
        )


# --- meetings ----------------------------------------------------------------------------------


def _check_times(starts_at: datetime, duration: timedelta, *, allow_past: bool = False) -> None:
    errors = []
    if timezone.is_naive(starts_at):
        errors.append(FieldError("Give the time with its time zone.", field="starts_at"))
    elif not allow_past and starts_at < timezone.now() - timedelta(minutes=5):
        errors.append(FieldError("Choose a time in the future.", field="starts_at"))
    if not timedelta(minutes=10) <= duration <= MAX_MEETING:
        errors.append(
            FieldError("A meeting lasts between 10 minutes and 4 hours.", field="duration")
        )
    if errors:
        raise ApplicationError("The meeting time needs attention.", errors=errors)


def _uid(relationship: Relationship) -> str:
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "tandem"
    return f"meeting-{relationship.pk}-{new_secret(9)}@{host}"


def _attendees(meeting: Meeting) -> list[User]:
    users = [m.person.user for m in meeting.relationship.members.select_related("person__user")]
    if meeting.coordinator_invited:
        users += list(meeting.relationship.program.coordinators.all())
    return users


def _invitation_emails(
    meeting: Meeting, *, change: str, series: MeetingSeries | None = None
) -> list[EmailToSend]:
    attachment = invitation_attachment(
        meeting, method="CANCEL" if change == "cancelled" else "REQUEST", series=series
    )
    return [
        emails.meeting_email(
            meeting=meeting, recipient=user, change=change, attachment=attachment, series=series
        )
        for user in _attendees(meeting)
    ]


@transaction.atomic
def meeting_schedule(
    *,
    actor: User,
    relationship: Relationship,
    starts_at: datetime,
    duration: timedelta,
    kind: str = MeetingKind.REGULAR,
    location: str = "",
    video_url: str = "",
    invite_coordinator: bool = False,
    repeat: int = 1,
) -> list[Meeting]:
    """Schedule a meeting (or ``repeat`` meetings on the program cadence) and send invitations."""
    organiser = membership_of(actor, relationship).person
    _require_live(relationship)
    _check_times(starts_at, duration)
    if kind not in MeetingKind.values:
        raise ApplicationError("Unknown kind of meeting.")
    if not 1 <= repeat <= 26:
        raise ApplicationError(
            "A series has between 1 and 26 meetings.",
            errors=[FieldError("Between 1 and 26.", field="repeat")],
        )
    tz = organiser.timezone
    local_start = timezone.localtime(starts_at, timezone=_zone(tz))
    series = None
    starts = [local_start]
    if repeat > 1:
        cadence = relationship.program.cadence
        starts = series_occurrences(local_start, cadence, count=repeat)  # type: ignore[arg-type]
    uid = _uid(relationship)
    if repeat > 1:
        series = MeetingSeries.objects.create(
            relationship=relationship,
            cadence=relationship.program.cadence,
            first_start=starts_at,
            count=repeat,
            uid=uid,
        )
    meetings = []
    for index, start in enumerate(starts):
        meeting = Meeting.objects.create(
            relationship=relationship,
            series=series,
            kind=kind if index == 0 else MeetingKind.REGULAR,
            starts_at=start,
            ends_at=start + duration,
            timezone=tz,
            location=location[:200],
            video_url=video_url,
            organiser=organiser,
            uid=uid if series is None else f"{uid.split('@')[0]}-{index}@{uid.split('@')[1]}",
            coordinator_invited=invite_coordinator and kind == MeetingKind.KICKOFF,
        )
        AgendaItem.objects.bulk_create(
            [
                AgendaItem(meeting=meeting, text=text, from_template=True)
                for text in template_items(relationship.program, meeting.kind)
            ]
        )
        meetings.append(meeting)
    enqueue(_invitation_emails(meetings[0], change="new", series=series))
    log_action(
        "relationship.meeting_scheduled",
        actor=actor,
        target=relationship,
        data={"meetings": len(meetings)},
    )
    return meetings


def _zone(name: str) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def _own_meeting(actor: User, meeting: Meeting) -> Membership:
    return membership_of(actor, meeting.relationship)


@transaction.atomic
def meeting_reschedule(
    *, actor: User, meeting: Meeting, starts_at: datetime, duration: timedelta
) -> Meeting:
    _own_meeting(actor, meeting)
    _require_live(meeting.relationship)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ApplicationError("Only a scheduled meeting can be moved.")
    _check_times(starts_at, duration)
    meeting.starts_at, meeting.ends_at = starts_at, starts_at + duration
    meeting.sequence += 1
    meeting.updated_at = timezone.now()
    meeting.reminded_at = None
    if meeting.series_id:
        meeting.series = None  # a moved occurrence becomes its own meeting
        meeting.uid = _uid(meeting.relationship)
    meeting.save()
    enqueue(_invitation_emails(meeting, change="moved"))
    log_action("relationship.meeting_moved", actor=actor, target=meeting.relationship)
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: User, meeting: Meeting) -> Meeting:
    _own_meeting(actor, meeting)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ApplicationError("Only a scheduled meeting can be cancelled.")
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    meeting.updated_at = timezone.now()
    meeting.save()
    enqueue(_invitation_emails(meeting, change="cancelled"))
    log_action("relationship.meeting_cancelled", actor=actor, target=meeting.relationship)
    return meeting


@transaction.atomic
def meeting_mark(*, actor: User, meeting: Meeting, held: bool) -> Meeting:
    _own_meeting(actor, meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ApplicationError("A cancelled meeting cannot be marked.")
    if meeting.starts_at > timezone.now():
        raise ApplicationError("This meeting has not happened yet.")
    meeting.status = MeetingStatus.HELD if held else MeetingStatus.MISSED
    meeting.updated_at = timezone.now()
    meeting.save(update_fields=["status", "updated_at"])
    refresh_health(meeting.relationship)
    return meeting


# --- agenda, logs, notes -------------------------------------------------------------------------


@transaction.atomic
def agenda_add(*, actor: User, meeting: Meeting, text: str) -> AgendaItem:
    person = _own_meeting(actor, meeting).person
    _require_live(meeting.relationship)
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
    _require_live(relationship)
    if not text.strip():
        raise ApplicationError("Write the note.", errors=[FieldError("Required.", field="text")])
    return PrivateNote.objects.create(relationship=relationship, author=person, text=text.strip())


# --- goals -------------------------------------------------------------------------------------


@transaction.atomic
def goal_create(
    *,
    actor: User,
    relationship: Relationship,
    title: str,
    metric: str,
    target: str,
    target_date: date,
    why: str = "",
    skill: Skill | None = None,
    milestones: Sequence[str] = (),
) -> Goal:
    person = membership_of(actor, relationship).person
    _require_live(relationship)
    errors = []
    if not title.strip():
        errors.append(FieldError("Say specifically what you want to achieve.", field="title"))
    if not metric.strip() or not target.strip():
        errors.append(
            FieldError("How will you measure it, and what is the target?", field="metric")
        )
    if target_date <= timezone.localdate():
        errors.append(FieldError("Choose a date in the future.", field="target_date"))
    if errors:
        raise ApplicationError("A SMART goal needs all of these.", errors=errors)
    goal = Goal.objects.create(
        relationship=relationship,
        owner=person,
        title=title.strip()[:200],
        metric=metric.strip()[:200],
        target=target.strip()[:100],
        target_date=target_date,
        why=why.strip(),
        skill=skill,
    )
    Milestone.objects.bulk_create(
        [Milestone(goal=goal, title=m.strip()[:200]) for m in milestones if m.strip()]
    )
    refresh_health(relationship)
    log_action("relationship.goal_created", actor=actor, target=relationship)
    return goal


def _own_goal(actor: User, goal: Goal) -> None:
    if goal.owner.user_id != actor.pk:
        raise NotFound()


@transaction.atomic
def goal_progress(*, actor: User, goal: Goal, progress: int, note: str = "") -> Goal:
    _own_goal(actor, goal)
    if goal.status != GoalStatus.ACTIVE:
        raise ApplicationError("This goal is closed; reopen it by creating a new one.")
    if not 0 <= progress <= 100:
        raise ApplicationError(
            "Progress is a percentage from 0 to 100.",
            errors=[FieldError("0 to 100.", field="progress")],
        )
    GoalUpdate.objects.create(goal=goal, progress=progress, note=note.strip())
    goal.progress = progress
    goal.nudged_at = None
    goal.save(update_fields=["progress", "nudged_at"])
    return goal


@transaction.atomic
def goal_close(*, actor: User, goal: Goal, status: str) -> Goal:
    _own_goal(actor, goal)
    if status not in (GoalStatus.DONE, GoalStatus.DROPPED):
        raise ApplicationError("A goal is either done or dropped.")
    goal.status = status
    goal.closed_at = timezone.now()
    if status == GoalStatus.DONE:
        goal.progress = 100
    goal.save(update_fields=["status", "closed_at", "progress"])
    GoalUpdate.objects.create(
        goal=goal, progress=goal.progress, note=f"Marked {goal.get_status_display().lower()}"
    )
    return goal


@transaction.atomic
def milestone_toggle(*, actor: User, milestone: Milestone) -> Milestone:
    _own_goal(actor, milestone.goal)
    milestone.done_at = None if milestone.done_at else timezone.now()
    milestone.save(update_fields=["done_at"])
    return milestone


# --- concerns, closing -------------------------------------------------------------------------


@transaction.atomic
def concern_raise(*, actor: User, relationship: Relationship, kind: str, text: str) -> Concern:
    person = membership_of(actor, relationship).person
    if not text.strip():
        raise ApplicationError(
            "Tell the coordinators what happened.", errors=[FieldError("Required.", field="text")]
        )
    concern = Concern.objects.create(
        program=relationship.program,
        relationship=relationship,
        raised_by=person,
        kind=kind,
        text=text.strip(),
    )
    enqueue(
        [
            emails.concern_raised_email(concern=concern, coordinator=c)
            for c in relationship.program.coordinators.all()
        ]
    )
    log_action("relationship.concern_raised", actor=actor, target=relationship.program)
    return concern


@transaction.atomic
def concern_handled(*, actor: User, concern: Concern) -> Concern:
    from tandem.programs.selectors import can_coordinate

    if not can_coordinate(actor, concern.program):
        raise NotFound()
    concern.handled_at, concern.handled_by = timezone.now(), actor
    concern.save(update_fields=["handled_at", "handled_by"])
    log_action("relationship.concern_handled", actor=actor, target=concern.program)
    return concern


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


@transaction.atomic
def closing_submit(
    *,
    actor: User,
    relationship: Relationship,
    achieved: str,
    learned: str,
    would_recommend_partner: bool,
    would_do_again: bool,
    next_step: str,
) -> ClosingSummary:
    membership = membership_of(actor, relationship)
    if relationship.status == RelationshipStatus.ACTIVE:
        relationship_close(actor=actor, relationship=relationship)
    elif relationship.status not in (RelationshipStatus.ENDED,):
        raise ApplicationError("Only a match that ran can be closed with a summary.")
    if not achieved.strip() or not learned.strip():
        raise ApplicationError(
            "Write a sentence or two for each question.",
            errors=[
                FieldError("Required.", field="achieved" if not achieved.strip() else "learned")
            ],
        )
    if next_step not in NextStep.values:
        raise ApplicationError("Choose what happens next.")
    summary, _ = ClosingSummary.objects.update_or_create(
        membership=membership,
        defaults={
            "achieved": achieved.strip(),
            "learned": learned.strip(),
            "would_recommend_partner": would_recommend_partner,
            "would_do_again": would_do_again,
            "next_step": next_step,
        },
    )
    program = relationship.program
    if next_step == NextStep.LEAVE:
        Enrolment.objects.filter(program=program, person=membership.person).update(
            status=EnrolmentStatus.WITHDRAWN, withdrawn_at=timezone.now()
        )
    elif next_step == NextStep.REMATCH and program.status == ProgramStatus.ACTIVE:
        Enrolment.objects.filter(program=program, person=membership.person).update(
            status=EnrolmentStatus.ACTIVE, withdrawn_at=None
        )
    log_action(
        "relationship.closing_written", actor=actor, target=relationship, data={"next": next_step}
    )
    return summary


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


# --- calendar feeds ----------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_create(*, actor: User) -> str:
    """A new private feed address; older ones stop working. Returns the token (shown once)."""
    person = Person.objects.filter(user=actor).first()
    if person is None:
        raise ApplicationError("Only people in the directory have a meeting calendar.")
    CalendarFeed.objects.filter(person=person, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token = new_secret(24)
    CalendarFeed.objects.create(person=person, token_hash=digest(token))
    log_action("relationship.calendar_feed_created", actor=actor)
    return token


@transaction.atomic
def calendar_feed_revoke(*, actor: User) -> int:
    return CalendarFeed.objects.filter(person__user=actor, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def person_for_feed(token: str) -> Person | None:
    feed = (
        CalendarFeed.objects.select_related("person__user")
        .filter(token_hash=digest(token), revoked_at__isnull=True, person__user__is_active=True)
        .first()
    )
    if feed is None:
        return None
    if feed.last_used_at is None or timezone.now() - feed.last_used_at > timedelta(hours=1):
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    return feed.person


# --- health ------------------------------------------------------------------------------------


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
    )


def recount(relationship: Relationship) -> None:
    """Rebuild the relationship's meeting and topic counters from its meetings and logs."""
    totals = relationship.meetings.aggregate(
        held=Count("id", filter=Q(status=MeetingStatus.HELD)),
        missed=Count("id", filter=Q(status=MeetingStatus.MISSED)),
        first=Min("starts_at", filter=Q(status=MeetingStatus.HELD)),
        last=Max("starts_at", filter=Q(status=MeetingStatus.HELD)),
    )
    topics: dict[str, int] = {}
    for meeting in topic_counts(relationship):
        for person, count in meeting.items():
            topics[str(person)] = topics.get(str(person), 0) + count
    written = dict(
        MeetingLog.objects.filter(meeting__relationship=relationship)
        .order_by()
        .values_list("author_id")
        .annotate(n=Count("id"))
    )
    members = list(relationship.members.select_related("person"))
    for member in members:
        if member.logs_written != written.get(member.person_id, 0):
            member.logs_written = written.get(member.person_id, 0)
            member.save(update_fields=["logs_written"])
    departments = {m.person.department_id for m in members} - {None}
    Relationship.objects.filter(pk=relationship.pk).update(
        meetings_held=totals["held"],
        meetings_missed=totals["missed"],
        first_meeting_at=totals["first"],
        last_meeting_at=totals["last"],
        topic_counts=topics,
        reciprocity=reciprocity_of(topics, len(members)),
        crosses_departments=len(departments) > 1,
    )


def refresh_health(relationship: Relationship, now: datetime | None = None) -> health.Assessment:
    now = now or timezone.now()
    recount(relationship)
    result = health.assess(health_facts(relationship, now), now, health_settings(relationship))
    Relationship.objects.filter(pk=relationship.pk).update(
        health=result.status, health_reasons=result.reasons, health_checked_at=now
    )
    relationship.health, relationship.health_reasons = result.status, result.reasons
    return result

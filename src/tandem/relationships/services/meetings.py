"""Meetings: schedule (one or a series), move, cancel, mark held or missed; every change sends
iCalendar invitations (stable UID, rising SEQUENCE, REQUEST or CANCEL) to everyone on it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tandem.accounts.models import User
from tandem.accounts.tokens import new_secret
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, FieldError
from tandem.core.schemas import LATEST_YEAR
from tandem.notify.outbox import EmailToSend, enqueue
from tandem.relationships import emails
from tandem.relationships.agendas import template_items
from tandem.relationships.calendars import invitation_attachment
from tandem.relationships.models import (
    AgendaItem,
    Meeting,
    MeetingKind,
    MeetingSeries,
    MeetingStatus,
    Membership,
    Relationship,
)
from tandem.relationships.services.common import membership_of, require_active
from tandem.relationships.services.health import refresh_health
from tandem.relationships.slots import series_occurrences

MAX_MEETING = timedelta(hours=4)


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
    elif starts_at.year > LATEST_YEAR:
        errors.append(FieldError(f"Choose a time before {LATEST_YEAR}.", field="starts_at"))
    if errors:
        raise ApplicationError("The meeting time needs attention.", errors=errors)


def _check_video_url(video_url: str) -> None:
    """Only web links: a ``javascript:`` or ``data:`` link would run in the partner's browser."""
    if not video_url:
        return
    try:
        URLValidator(schemes=["http", "https"])(video_url)
    except ValidationError:
        raise ApplicationError(
            "The video link needs attention.",
            errors=[FieldError("Give a web address (https://…).", field="video_url")],
        ) from None


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
    require_active(relationship)
    _check_times(starts_at, duration)
    _check_video_url(video_url)
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
    require_active(meeting.relationship)
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
    enqueue(_cancel_one(meeting, timezone.now()))
    log_action("relationship.meeting_cancelled", actor=actor, target=meeting.relationship)
    return meeting


def _cancel_one(meeting: Meeting, now: datetime) -> list[EmailToSend]:
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    meeting.updated_at = now
    meeting.save()
    return _invitation_emails(meeting, change="cancelled")


def cancel_upcoming_meetings(relationship: Relationship) -> int:
    """Cancel every meeting still ahead when a relationship ends, inside the caller's transaction.

    Each single meeting gets exactly what :func:`meeting_cancel` sends (SEQUENCE + 1, METHOD:CANCEL
    to everyone on it). A series that has not begun is cancelled as a whole under its own UID; one
    that has begun is cut short: COUNT drops to the occurrences already past and the series goes
    out again as a REQUEST, so calendars keep what happened and drop only what will not.
    """
    now = timezone.now()
    upcoming = list(
        Meeting.objects.filter(
            relationship=relationship, status=MeetingStatus.SCHEDULED, starts_at__gt=now
        )
        .select_related("series", "relationship__program", "organiser__user")
        .order_by("starts_at")
    )
    outgoing: list[EmailToSend] = []
    series_upcoming: dict[int, list[Meeting]] = {}
    for meeting in upcoming:
        if meeting.series is None:
            outgoing += _cancel_one(meeting, now)
        else:
            series_upcoming.setdefault(meeting.series.pk, []).append(meeting)
    for meetings in series_upcoming.values():
        outgoing += _end_series(meetings, now)
    enqueue(outgoing)
    return len(upcoming)


def _end_series(upcoming: list[Meeting], now: datetime) -> list[EmailToSend]:
    series = upcoming[0].series
    assert series is not None
    Meeting.objects.filter(pk__in=[m.pk for m in upcoming]).update(
        status=MeetingStatus.CANCELLED, sequence=F("sequence") + 1, updated_at=now
    )
    past = list(series.meetings.filter(starts_at__lte=now).order_by("starts_at"))
    series.sequence += 1
    if not past:
        series.save(update_fields=["sequence"])
        first = upcoming[0]
        first.status = MeetingStatus.CANCELLED
        return _invitation_emails(first, change="cancelled", series=series)
    series.count = len(past)
    series.save(update_fields=["sequence", "count"])
    return _invitation_emails(past[0], change="shortened", series=series)


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

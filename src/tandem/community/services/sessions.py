"""Creating, changing and cancelling group sessions (one transaction per use case)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.community import notices, selectors
from tandem.community.models import (
    FLASH_MINUTES,
    MEMBER_KINDS,
    GroupSession,
    Rsvp,
    RsvpStatus,
    SessionKind,
    SessionStatus,
)
from tandem.community.selectors import is_member
from tandem.community.services.rsvp import promote_waitlist
from tandem.core.errors import ApplicationError, FieldError
from tandem.programs.models import Program
from tandem.programs.selectors import can_coordinate
from tandem.relationships.zones import load_zone

MAX_SLOTS = 8
MAX_CAPACITY = 500
MAX_LENGTH = timedelta(hours=12)


@dataclass
class SessionData:
    """What a host or coordinator fills in; ``slots`` > 1 only for flash mentoring."""

    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime | None = None
    description: str = ""
    timezone: str = "UTC"
    online_url: str = ""
    place: str = ""
    min_attendees: int = 0
    capacity: int = 20
    min_deadline: datetime | None = None
    slots: int = 1


def _problems(data: SessionData, *, now: datetime, new: bool) -> list[FieldError]:
    return _what_problems(data) + _when_problems(data, now=now, new=new)


def _what_problems(data: SessionData) -> list[FieldError]:
    errors = []
    if data.kind not in SessionKind.values:
        errors.append(FieldError("Choose a kind of session.", field="kind", value=data.kind))
    if not data.title.strip():
        errors.append(FieldError("Give the session a title.", field="title"))
    if not 1 <= data.slots <= MAX_SLOTS:
        errors.append(FieldError(f"Offer between 1 and {MAX_SLOTS} slots.", field="slots"))
    if data.online_url and not data.online_url.lower().startswith(("https://", "http://")):
        errors.append(
            FieldError(
                "Give an http:// or https:// link.",
                field="online_url",
                value=data.online_url[:100],
            )
        )
    if not 1 <= data.capacity <= MAX_CAPACITY:
        errors.append(FieldError(f"Capacity is between 1 and {MAX_CAPACITY}.", field="capacity"))
    if not 0 <= data.min_attendees <= data.capacity:
        errors.append(
            FieldError("The minimum is between 0 and the capacity.", field="min_attendees")
        )
    return errors


def _when_problems(data: SessionData, *, now: datetime, new: bool) -> list[FieldError]:
    errors = []
    try:
        load_zone(data.timezone)
    except ValueError as exc:
        errors.append(FieldError(str(exc), field="timezone", value=data.timezone))
    if new and data.starts_at <= now:
        errors.append(FieldError("Choose a start in the future.", field="starts_at"))
    if data.ends_at is not None and not (
        data.starts_at < data.ends_at <= data.starts_at + MAX_LENGTH
    ):
        errors.append(
            FieldError("The end must be after the start, within 12 hours.", field="ends_at")
        )
    if data.min_deadline is not None and data.min_deadline >= data.starts_at:
        errors.append(
            FieldError("The deadline for the minimum comes before the start.", field="min_deadline")
        )
    return errors


def may_create(user: User, program: Program | None, kind: str) -> bool:
    if program is None:
        return user.is_coordinator
    if can_coordinate(user, program):
        return True
    return kind in MEMBER_KINDS and is_member(user, program)


def _announce(session: GroupSession, *, now: datetime) -> int:
    """Tell the people a new session is for, if they asked to hear of each one at once (with
    RSVP buttons). Everyone else who did not turn it off reads it in the weekly summary
    (``jobs.session_summaries``); their notification preferences apply to both."""
    audience = selectors.session_audience(session.program).exclude(pk=session.host_id)
    return notices.announce(session, audience.filter(pk__in=selectors.hearing_each()), now=now)


@transaction.atomic
def session_create(
    *,
    actor: User,
    program: Program | None,
    data: SessionData,
    host: User | None = None,
    announce: bool = True,
    now: datetime | None = None,
) -> list[GroupSession]:
    """One session, or for flash mentoring ``slots`` back-to-back 30-minute slots (one person
    each). The people it is for are told, each as they asked (``_announce``)."""
    now = now or timezone.now()
    if not may_create(actor, program, data.kind):
        raise ApplicationError("You cannot create this kind of session here.", status=403)
    if data.kind == SessionKind.FLASH:
        data.capacity, data.min_attendees, data.min_deadline = 1, 0, None
        data.ends_at = data.starts_at + timedelta(minutes=FLASH_MINUTES)
    elif data.slots != 1:
        raise ApplicationError(
            "Only flash mentoring is offered in slots.",
            errors=[FieldError("Only flash mentoring is offered in slots.", field="slots")],
        )
    if data.ends_at is None:
        data.ends_at = data.starts_at + timedelta(hours=1)
    errors = _problems(data, now=now, new=True)
    if errors:
        raise ApplicationError("Please correct the session details.", errors=errors)
    may_name_host = can_coordinate(actor, program) if program else actor.is_coordinator
    if host is None or not may_name_host:
        host = actor
    created = []
    length = data.ends_at - data.starts_at
    for index in range(data.slots):
        start = data.starts_at + index * length
        session = GroupSession(
            program=program,
            kind=data.kind,
            title=data.title.strip(),
            description=data.description.strip(),
            host=host,
            created_by=actor,
            starts_at=start,
            ends_at=start + length,
            timezone=data.timezone,
            online_url=data.online_url,
            place=data.place.strip(),
            min_attendees=data.min_attendees,
            capacity=data.capacity,
            min_deadline=data.min_deadline,
            created_at=now,
            updated_at=now,
        )
        session.full_clean()
        session.save()
        created.append(session)
    log_action(
        "community.session_created",
        actor=actor,
        target=created[0],
        data={"program": program.pk if program else None, "slots": len(created)},
    )
    if announce:
        _announce(created[0], now=now)
    return created


EDITABLE = (
    "title",
    "description",
    "starts_at",
    "ends_at",
    "timezone",
    "online_url",
    "place",
    "min_attendees",
    "capacity",
    "min_deadline",
)
#: Changes that attendees' calendars must see (a new SEQUENCE and an updated invitation).
CALENDAR_FIELDS = ("title", "starts_at", "ends_at", "timezone", "online_url", "place")


@transaction.atomic
def session_update(
    *, actor: User, session_id: int, changes: dict[str, Any], now: datetime | None = None
) -> GroupSession:
    """Change a session; attendees get an updated invitation (same UID, SEQUENCE + 1), and a
    larger capacity lets the waitlist in."""
    now = now or timezone.now()
    session = GroupSession.objects.select_for_update().get(pk=session_id)
    if session.is_cancelled:
        raise ApplicationError("This session is cancelled and can no longer change.")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ApplicationError(f"Cannot change {', '.join(sorted(unknown))}.")
    current = {f: getattr(session, f) for f in EDITABLE}
    merged = {
        **current,
        **{k: v for k, v in changes.items() if v is not None or k == "min_deadline"},
    }
    if session.is_flash:
        merged["capacity"], merged["min_attendees"] = 1, 0
        merged["ends_at"] = merged["starts_at"] + timedelta(minutes=FLASH_MINUTES)
    data = SessionData(kind=session.kind, slots=1, **merged)
    errors = _problems(data, now=now, new=False)
    going = session.rsvps.filter(status=RsvpStatus.GOING).count()
    if merged["capacity"] < going:
        errors.append(
            FieldError(f"{going} people are going; the capacity cannot be lower.", field="capacity")
        )
    if errors:
        raise ApplicationError("Please correct the session details.", errors=errors)
    visible = any(merged[f] != current[f] for f in CALENDAR_FIELDS)
    for name, value in merged.items():
        setattr(session, name, value)
    session.updated_at = now
    if visible:
        session.sequence += 1
    session.save()
    log_action(
        "community.session_updated",
        actor=actor,
        target=session,
        data={"fields": sorted(k for k in merged if merged[k] != current[k])},
    )
    if visible:
        for rsvp in session.rsvps.filter(status=RsvpStatus.GOING).select_related("user"):
            notices.invitation(session, rsvp.user, change="updated", now=now)
    promote_waitlist(session, now=now)
    return session


@transaction.atomic
def session_cancel(*, actor: User, session_id: int, now: datetime | None = None) -> GroupSession:
    now = now or timezone.now()
    session = GroupSession.objects.select_for_update().get(pk=session_id)
    if session.is_cancelled:
        return session
    session.status = SessionStatus.CANCELLED
    session.sequence += 1
    session.updated_at = now
    session.save(update_fields=["status", "sequence", "updated_at"])
    log_action("community.session_cancelled", actor=actor, target=session)
    rsvps = list(session.rsvps.exclude(status=RsvpStatus.CANCELLED).select_related("user"))
    for rsvp in rsvps:
        notices.invitation(session, rsvp.user, change="cancelled", now=now)
    return session


@transaction.atomic
def attendance_take(
    *, actor: User, session_id: int, present: set[int], now: datetime | None = None
) -> int:
    """Mark who came (user ids); everyone else who was going did not. Returns how many came."""
    now = now or timezone.now()
    session = GroupSession.objects.select_for_update().get(pk=session_id)
    if session.starts_at > now:
        raise ApplicationError("Attendance is taken once the session has started.")
    if session.is_cancelled:
        raise ApplicationError("This session was cancelled.")
    rows = Rsvp.objects.filter(session=session, status=RsvpStatus.GOING)
    rows.filter(user_id__in=present).update(attended=True, updated_at=now)
    rows.exclude(user_id__in=present).update(attended=False, updated_at=now)
    came = rows.filter(attended=True).count()
    log_action("community.attendance_taken", actor=actor, target=session, data={"came": came})
    return came

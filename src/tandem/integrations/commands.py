"""What a person can ask a chat bot, whatever the chat tool: pause and resume their messages,
skip the next round of their rotations, their current matches and next round. Each chat tool
words the answers its own way (Slack's ``/tandem``, Teams' 1:1 chat); the rules live here and in
the services these call."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.core.errors import ApplicationError
from tandem.matches.models import RotationStanding, RunPurpose, RunStatus
from tandem.matches.selectors import ROUND_EVERY
from tandem.matches.services.standings import rotation_snooze
from tandem.notify.actions import ActionResult
from tandem.notify.models import NotificationPreference
from tandem.notify.services.preferences import PreferenceInput, preferences_update
from tandem.programs.models import EnrolmentStatus, Program, ProgramKind, ProgramStatus
from tandem.relationships.models import LIVE_STATUSES, Membership

MAX_PAUSE_DAYS = 366
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")


class PauseRefused(ValueError):
    """The date given for a pause is not acceptable; the message says why."""


class NoPauseDate(PauseRefused):
    """No date was given (each chat tool shows its own example)."""


def pause_until(text: str, *, today: date | None = None) -> date:
    """The date in ``pause until 2026-12-31``, checked (after today, within a year)."""
    today = today or timezone.localdate()
    found = _DATE.search(text)
    if not found:
        raise NoPauseDate("Say until when.")
    try:
        until = date.fromisoformat(found.group(1))
    except ValueError:
        raise PauseRefused(f"{found.group(1)} is not a date.") from None
    if until <= today:
        raise PauseRefused("Pick a date after today.")
    if until > today + timedelta(days=MAX_PAUSE_DAYS):
        raise PauseRefused("A pause can last up to a year.")
    return until


def pause_notifications(user: User, until: date | None) -> ActionResult:
    """Pause every message but account mail until a date, or (``None``) end a pause."""
    pref = NotificationPreference.objects.filter(user=user).first()
    data = PreferenceInput(
        channels=dict(pref.channels) if pref else {},
        quiet_start=pref.quiet_start if pref else None,
        quiet_end=pref.quiet_end if pref else None,
        working_days=list(pref.working_days) if pref else [],
        low_priority=pref.low_priority if pref else "immediate",
        paused_until=until,
    )
    try:
        preferences_update(user_id=user.pk, data=data)
    except ApplicationError as exc:
        return ActionResult(exc.message, ok=False)
    if until is None:
        return ActionResult("Welcome back: messages are on again.")
    return ActionResult(f"Paused until {until:%A %d %B %Y}.")


def my_rotations(user: User) -> list[Program]:
    return list(
        Program.objects.filter(
            kind=ProgramKind.COFFEE_ROTATION,
            status=ProgramStatus.ACTIVE,
            enrolments__person__user=user,
            enrolments__status=EnrolmentStatus.ACTIVE,
        ).order_by("name")
    )


def skip_next_round(user: User) -> list[ActionResult]:
    """Sit out the next round of every rotation the person takes part in."""
    return [rotation_snooze(user=user, program_id=p.pk, rounds=1) for p in my_rotations(user)]


@dataclass(frozen=True)
class CurrentMatch:
    program: str
    others: list[str]
    status: str
    url: str


def current_matches(user: User) -> list[CurrentMatch]:
    memberships = (
        Membership.objects.filter(person__user=user, relationship__status__in=LIVE_STATUSES)
        .select_related("relationship__program")
        .prefetch_related("relationship__members__person__user")
        .order_by("relationship__created_at")
    )
    return [
        CurrentMatch(
            program=m.relationship.program.name,
            others=[o.person.user.name for o in m.relationship.members.all() if o.pk != m.pk],
            status=m.relationship.get_status_display().lower(),
            url=settings.SITE_URL + reverse("relationships:detail", args=[m.relationship_id]),
        )
        for m in memberships
    ]


@dataclass(frozen=True)
class NextRound:
    program: str
    at: datetime | None  # None: the first round is not started yet
    sitting_out: bool  # snoozed or paused for it


def next_rounds(user: User) -> list[NextRound]:
    """When the next round of each of the person's rotations is due, and whether they sit it
    out (the cadence after the last round; a linked rotation starts at its local time)."""
    answers = []
    today = timezone.localdate()
    for program in my_rotations(user):
        last = (
            program.runs.filter(purpose=RunPurpose.ROTATION)
            .exclude(status__in=[RunStatus.FAILED, RunStatus.DISCARDED])
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        standing = RotationStanding.objects.filter(program=program, person__user=user).first()
        sitting_out = standing is not None and (
            standing.skip_rounds > 0
            or (standing.paused_until is not None and standing.paused_until > today)
        )
        at = last + ROUND_EVERY[program.cadence] if last else None
        answers.append(NextRound(program.name, at, sitting_out))
    return answers

"""``/tandem``: my matches, next meeting, pause until a date, help. Answered privately
(ephemeral) through the command's ``response_url``."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.core.errors import ApplicationError
from tandem.integrations.slack.services.people import user_for_slack_id
from tandem.integrations.slack.services.responses import respond
from tandem.notify.models import NotificationPreference
from tandem.notify.services.preferences import PreferenceInput, preferences_update
from tandem.people.selectors import person_timezone
from tandem.relationships.models import (
    LIVE_STATUSES,
    Meeting,
    MeetingStatus,
    Membership,
)

HELP = (
    "*/tandem* — your mentoring in Slack:\n"
    "• `/tandem matches` — your current matches\n"
    "• `/tandem next` — your next meeting\n"
    "• `/tandem pause until 2026-12-31` — no messages until that date (account mail still comes)\n"
    "• `/tandem resume` — end a pause\n"
    "• `/tandem help` — this list"
)
MAX_PAUSE_DAYS = 366
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")


def handle_command(form: dict[str, Any]) -> str:
    text = str(form.get("text") or "").strip()
    user = user_for_slack_id(str(form.get("user_id") or ""))
    if user is None:
        answer = "Tandem does not know your Slack account yet; ask your Tandem admin to run a sync."
    else:
        answer = command_answer(user, text)
    respond(str(form.get("response_url") or ""), {"response_type": "ephemeral", "text": answer})
    return (text.split() or ["help"])[0]


def command_answer(user: User, text: str, *, today: date | None = None) -> str:
    words = text.lower().split()
    verb = words[0] if words else "help"
    if verb in ("matches", "match", "my"):
        return my_matches(user)
    if verb in ("next", "meeting"):
        return next_meeting(user)
    if verb == "pause":
        return pause(user, text, today=today)
    if verb in ("resume", "unpause"):
        return set_pause(user, None)
    if verb == "help":
        return HELP
    return f"I don't know “{text[:40]}”.\n\n{HELP}"


def my_matches(user: User) -> str:
    memberships = (
        Membership.objects.filter(person__user=user, relationship__status__in=LIVE_STATUSES)
        .select_related("relationship__program")
        .prefetch_related("relationship__members__person__user")
        .order_by("relationship__created_at")
    )
    lines = []
    for membership in memberships:
        relationship = membership.relationship
        others = [m.person.user.name for m in relationship.members.all() if m.pk != membership.pk]
        url = settings.SITE_URL + reverse("relationships:detail", args=[relationship.pk])
        lines.append(
            f"• *{relationship.program.name}* with {', '.join(others)} "
            f"({relationship.get_status_display().lower()}) — <{url}|open>"
        )
    if not lines:
        return "You have no current matches."
    return "Your matches:\n" + "\n".join(lines)


def next_meeting(user: User) -> str:
    meeting = (
        Meeting.objects.filter(
            relationship__members__person__user=user,
            relationship__status__in=LIVE_STATUSES,
            status=MeetingStatus.SCHEDULED,
            starts_at__gte=timezone.now(),
        )
        .select_related("relationship__program")
        .order_by("starts_at")
        .first()
    )
    if meeting is None:
        return "No meeting is planned. `/tandem matches` shows your matches."
    zone = ZoneInfo(person_timezone(user.pk) or "UTC")
    local = meeting.starts_at.astimezone(zone)
    url = settings.SITE_URL + reverse(
        "relationships:meeting", args=[meeting.relationship_id, meeting.pk]
    )
    return (
        f"Next: *{meeting.relationship.program.name}* on {local:%A %d %B at %H:%M} "
        f"({zone.key}) — <{url}|open>"
    )


def pause(user: User, text: str, *, today: date | None = None) -> str:
    today = today or timezone.localdate()
    found = _DATE.search(text)
    if not found:
        return "Say until when, e.g. `/tandem pause until 2026-12-31`."
    try:
        until = date.fromisoformat(found.group(1))
    except ValueError:
        return f"{found.group(1)} is not a date."
    if until <= today:
        return "Pick a date after today."
    if until > today + timedelta(days=MAX_PAUSE_DAYS):
        return "A pause can last up to a year."
    return set_pause(user, until)


def set_pause(user: User, until: date | None) -> str:
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
        return exc.message
    if until is None:
        return "Welcome back: messages are on again."
    return f"Paused until {until:%A %d %B %Y}. `/tandem resume` ends it sooner."

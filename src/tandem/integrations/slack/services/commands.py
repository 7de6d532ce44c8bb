"""``/tandem``: my matches, next meeting, pause until a date, help. Answered privately
(ephemeral) through the command's ``response_url``."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.integrations.commands import (
    NoPauseDate,
    PauseRefused,
    pause_notifications,
    pause_until,
)
from tandem.integrations.slack.services.people import user_for_slack_id
from tandem.integrations.slack.services.responses import respond
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
    try:
        until = pause_until(text, today=today)
    except NoPauseDate:
        return "Say until when, e.g. `/tandem pause until 2026-12-31`."
    except PauseRefused as exc:
        return str(exc)
    return set_pause(user, until)


def set_pause(user: User, until: date | None) -> str:
    result = pause_notifications(user, until)
    if until is None or not result.ok:
        return result.text
    return f"{result.text} `/tandem resume` ends it sooner."

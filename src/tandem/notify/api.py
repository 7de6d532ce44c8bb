"""``/api/me/notifications``: the signed-in person's notification preferences.

notify sits below accounts, so the handlers take a plain ``HttpRequest`` (the API's auth has
already set ``request.user``)."""

from __future__ import annotations

from datetime import date, time

from django.http import HttpRequest
from ninja import Router, Schema

from tandem.core.schemas import errors
from tandem.notify.channels import configured_channels
from tandem.notify.preferences import CHOOSABLE, Preferences, preferences_of
from tandem.notify.services.preferences import (
    PreferenceInput,
    available_choices,
    preferences_update,
)

router = Router(tags=["notifications"])


class NotificationPreferencesOut(Schema):
    channels: dict[str, str]
    quiet_start: time | None
    quiet_end: time | None
    working_days: list[int]
    low_priority: str
    paused_until: date | None
    timezone: str
    available_channels: list[str]
    configured_chat_channels: list[str]


class NotificationPreferencesIn(Schema):
    """The whole choice (PUT replaces it). ``channels`` maps each category (matches, meetings,
    nudges, surveys, program_news) to email, a configured chat channel, or off; a category left
    out goes back to email. ``working_days``: 0 = Monday … 6 = Sunday, empty = any day."""

    channels: dict[str, str] = {}
    quiet_start: time | None = None
    quiet_end: time | None = None
    working_days: list[int] = []
    low_priority: str = "immediate"
    paused_until: date | None = None


def _out(prefs: Preferences) -> NotificationPreferencesOut:
    return NotificationPreferencesOut(
        channels={c: prefs.channel_for(c) for c in CHOOSABLE},
        quiet_start=prefs.quiet_start,
        quiet_end=prefs.quiet_end,
        working_days=list(prefs.working_days),
        low_priority=prefs.low_priority,
        paused_until=prefs.paused_until,
        timezone=prefs.timezone,
        available_channels=available_choices(),
        configured_chat_channels=configured_channels(),
    )


@router.get(
    "/me/notifications",
    response={200: NotificationPreferencesOut, **errors()},
    summary="My notification preferences",
)
def get_my_notifications(request: HttpRequest) -> NotificationPreferencesOut:
    return _out(preferences_of(_user_id(request)))


@router.put(
    "/me/notifications",
    response={200: NotificationPreferencesOut, **errors(403, 422)},
    summary="Replace my notification preferences",
)
def put_my_notifications(
    request: HttpRequest, payload: NotificationPreferencesIn
) -> NotificationPreferencesOut:
    user_id = _user_id(request)
    preferences_update(
        user_id=user_id,
        data=PreferenceInput(
            channels=payload.channels,
            quiet_start=payload.quiet_start,
            quiet_end=payload.quiet_end,
            working_days=payload.working_days,
            low_priority=payload.low_priority,
            paused_until=payload.paused_until,
        ),
    )
    return _out(preferences_of(user_id))


def _user_id(request: HttpRequest) -> int:
    """The signed-in user's id (the login decorator / API auth guarantee there is one)."""
    return int(getattr(request.user, "pk", 0) or 0)

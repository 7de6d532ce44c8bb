"""Events from Slack's Events API (or Socket Mode)."""

from __future__ import annotations

from typing import Any

from tandem.integrations.slack.models import SlackIdentity
from tandem.integrations.slack.services.people import identity_lookup
from tandem.integrations.slack.services.rotation import member_changed


def handle_event(body: dict[str, Any]) -> str:
    event = body.get("event") or {}
    kind = str(event.get("type") or "")
    if kind in ("member_joined_channel", "member_left_channel"):
        return member_changed(
            channel_id=str(event.get("channel") or ""),
            slack_user_id=str(event.get("user") or ""),
            joined=kind == "member_joined_channel",
        )
    if kind == "user_change":
        slack_id = str((event.get("user") or {}).get("id") or "")
        identity = SlackIdentity.objects.select_related("user").filter(slack_user_id=slack_id)
        for known in identity:
            identity_lookup(known.user)  # their email may have changed: ask again
        return "identity refreshed"
    return ""

"""The Slack app manifest an admin pastes into "Create an app → From a manifest".

Socket Mode needs no public address (the app connects out with ``SLACK_APP_TOKEN``); without it,
Slack calls the three request URLs under ``SITE_URL``.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.urls import reverse

from tandem.integrations.slack.config import BOT_EVENTS, BOT_SCOPES, SLASH_COMMAND


def manifest(*, socket_mode: bool, site_url: str | None = None, name: str | None = None) -> dict:
    site = (site_url or settings.SITE_URL).rstrip("/")
    app_name = (name or settings.SITE_NAME or "Tandem")[:35]
    command: dict[str, Any] = {
        "command": SLASH_COMMAND,
        "description": "Your matches, next meeting, pause, help",
        "usage_hint": "matches | next | pause until 2026-12-31 | help",
        "should_escape": False,
    }
    events: dict[str, Any] = {"bot_events": list(BOT_EVENTS)}
    interactivity: dict[str, Any] = {"is_enabled": True}
    if not socket_mode:
        command["url"] = site + reverse("integrations:slack_commands")
        events["request_url"] = site + reverse("integrations:slack_events")
        interactivity["request_url"] = site + reverse("integrations:slack_interactions")
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": app_name,
            "description": "Peer mentoring: introductions, check-ins and reminders from Tandem.",
            "background_color": "#1f4e5f",
        },
        "features": {
            "bot_user": {"display_name": app_name.lower().replace(" ", "-"), "always_online": True},
            "slash_commands": [command],
        },
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": socket_mode,
            "token_rotation_enabled": False,
        },
    }


def as_json(data: dict) -> str:
    return json.dumps(data, indent=2)


def as_yaml(data: Any, indent: int = 0) -> str:
    """A small YAML writer for the manifest's plain shapes (dicts, lists, strings, numbers,
    booleans) — enough to paste into Slack, without a YAML dependency."""
    pad = "  " * indent
    lines: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, dict | list) and value:
                lines.append(f"{pad}{key}:")
                lines.append(as_yaml(value, indent + 1))
            else:
                lines.append(f"{pad}{key}: {_scalar(value)}")
    elif isinstance(data, list):
        for item in data:
            if isinstance(item, dict):
                first, *rest = as_yaml(item, indent + 1).split("\n")
                lines.append(f"{pad}- {first.strip()}")
                lines.extend(rest)
            else:
                lines.append(f"{pad}- {_scalar(item)}")
    return "\n".join(lines)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if value in ({}, []):
        return json.dumps(value)
    return json.dumps(str(value))  # a JSON string is a valid YAML double-quoted scalar

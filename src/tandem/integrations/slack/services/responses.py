"""Answers through a ``response_url`` (slash commands): posted only to Slack's own hooks host, or
to the configured stand-in — never to an address a request made up."""

from __future__ import annotations

import json
import logging
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from tandem.integrations.slack.config import slack_settings

logger = logging.getLogger(__name__)

SLACK_HOOKS = "hooks.slack.com"


def response_url_allowed(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname == SLACK_HOOKS:
        return True
    api = urlsplit(slack_settings().api_url)
    return not slack_settings().is_slack and (parts.scheme, parts.netloc) == (
        api.scheme,
        api.netloc,
    )


def respond(url: str, body: dict[str, Any]) -> bool:
    if not response_url_allowed(url):
        logger.warning("slack response_url refused: not a Slack address")
        return False
    request = urllib.request.Request(  # noqa: S310 - the scheme and host are checked above
        url,
        data=json.dumps(body).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - checked above
            return 200 <= answer.status < 300
    except OSError as exc:
        logger.warning("slack response_url failed: %s", type(exc).__name__)
        return False

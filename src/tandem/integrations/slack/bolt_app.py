"""Socket Mode: Slack's own app framework (slack-bolt) holds the WebSocket; every request it
receives is acknowledged and stored exactly as the HTTP endpoints do, then handled by a task.

Socket Mode messages arrive over a connection the app opened with its app-level token, so there
is no HTTP signature to check (bolt verifies nothing in this mode, by design).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

from tandem.core.errors import ApplicationError
from tandem.integrations.slack.client import web_client
from tandem.integrations.slack.config import SlackSettings, slack_settings
from tandem.integrations.slack.models import InboundKind
from tandem.integrations.slack.services.inbound import (
    command_key,
    event_key,
    inbound_receive,
    interaction_key,
)

logger = logging.getLogger(__name__)


def classify(body: dict[str, Any]) -> tuple[str, str] | None:
    """(kind, key) of a request body, or None for what Tandem does not handle."""
    if body.get("type") == "event_callback":
        return InboundKind.EVENT, event_key(body)
    if body.get("type") == "block_actions":
        return InboundKind.INTERACTION, interaction_key(body)
    if body.get("command"):
        return InboundKind.COMMAND, command_key(body)
    return None


def store_and_ack(req: BoltRequest, resp: BoltResponse, next: Callable[[], Any]) -> BoltResponse:
    body = req.body if isinstance(req.body, dict) else {}
    try:
        found = classify(body)
        if found is not None:
            kind, key = found
            inbound_receive(kind=kind, key=key, payload=json.loads(json.dumps(body)))
    except ApplicationError as exc:
        logger.warning("slack socket-mode request ignored: %s", exc.message)
    if body.get("command"):
        text = json.dumps({"response_type": "ephemeral", "text": "One moment…"})
        return BoltResponse(status=200, body=text, headers={"content-type": "application/json"})
    return BoltResponse(status=200, body="")


def build_app(config: SlackSettings | None = None) -> App:
    config = config or slack_settings()
    app = App(
        client=web_client(config),
        token_verification_enabled=False,  # `tandem slack check` does auth.test explicitly
        request_verification_enabled=False,  # Socket Mode: nothing is signed
        ignoring_self_events_enabled=True,
    )
    app.middleware(store_and_ack)
    return app


def run_socket_mode(config: SlackSettings | None = None) -> None:  # pragma: no cover - blocks
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    config = config or slack_settings()
    handler = SocketModeHandler(build_app(config), app_token=config.app_token)
    handler.start()

"""What comes in from Slack (HTTP endpoints or Socket Mode): stored once under Slack's own id,
then handled by a task, so the request is answered at once and a retry does nothing twice."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from tandem.core.errors import ApplicationError
from tandem.integrations.slack.models import InboundKind, InboundStatus, SlackInbound
from tandem.integrations.slack.tasks import handle_inbound


@dataclass(frozen=True)
class Received:
    inbound: SlackInbound
    new: bool


def event_key(body: dict[str, Any]) -> str:
    event_id = str(body.get("event_id") or "")
    if not event_id:
        raise ApplicationError("The event has no event_id.")
    return f"event:{event_id}"


def interaction_key(payload: dict[str, Any]) -> str:
    """Slack gives an interaction no id of its own; the user, the trigger and the action time
    together are unique to one press and identical in a retry."""
    user = str((payload.get("user") or {}).get("id") or "")
    actions = payload.get("actions") or [{}]
    stamp = str(actions[0].get("action_ts") or "") if isinstance(actions[0], dict) else ""
    trigger = str(payload.get("trigger_id") or "")
    if not user or not (trigger or stamp):
        raise ApplicationError("The interaction has no user or trigger.")
    return f"interaction:{user}:{trigger}:{stamp}"[:200]


def command_key(form: dict[str, Any]) -> str:
    trigger = str(form.get("trigger_id") or "")
    if not trigger or not form.get("user_id"):
        raise ApplicationError("The command has no trigger_id or user_id.")
    return f"command:{trigger}"[:200]


def inbound_forget(*, before: datetime) -> int:
    """Handled requests are kept a while (the admin page lists them, retries find them)."""
    deleted, _ = SlackInbound.objects.filter(
        received_at__lt=before, status__in=[InboundStatus.DONE, InboundStatus.IGNORED]
    ).delete()
    return deleted


def inbound_receive(*, kind: str, key: str, payload: dict[str, Any]) -> Received:
    """Store one request and queue its handling after commit; a second copy only counts."""
    if kind not in InboundKind.values:
        raise ApplicationError(f"Unknown kind {kind!r}.")
    # Slack's legacy verification token rides along in every payload: not worth keeping.
    payload = {k: v for k, v in payload.items() if k != "token"}
    json.dumps(payload)  # refuse anything that would not round-trip before touching the database
    try:
        with transaction.atomic():
            inbound = SlackInbound.objects.create(key=key, kind=kind, payload=payload)
            transaction.on_commit(lambda: handle_inbound.enqueue(inbound.pk))
    except IntegrityError:
        SlackInbound.objects.filter(key=key).update(retries_seen=F("retries_seen") + 1)
        return Received(SlackInbound.objects.get(key=key), new=False)
    return Received(inbound, new=True)

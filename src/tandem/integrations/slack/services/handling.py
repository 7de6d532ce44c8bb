"""Handling one stored Slack request (in a task): claim it, route it, record the outcome.

The claim is a conditional update (queued → working), so two workers given the same id do it
once. Each handler runs its own use cases, each in its own transaction.
"""

from __future__ import annotations

import logging

from django.utils import timezone

from tandem.integrations.slack.client import SlackError
from tandem.integrations.slack.models import InboundKind, InboundStatus, SlackInbound
from tandem.integrations.slack.services import commands, events, interactions

logger = logging.getLogger(__name__)

HANDLERS = {
    InboundKind.EVENT: events.handle_event,
    InboundKind.INTERACTION: interactions.handle_interaction,
    InboundKind.COMMAND: commands.handle_command,
}


def inbound_handle(inbound_id: int) -> str:
    claimed = SlackInbound.objects.filter(pk=inbound_id, status=InboundStatus.QUEUED).update(
        status=InboundStatus.WORKING
    )
    if not claimed:
        return "already handled"
    inbound = SlackInbound.objects.get(pk=inbound_id)
    try:
        result = HANDLERS[InboundKind(inbound.kind)](inbound.payload)
    except SlackError as exc:
        _finish(inbound, InboundStatus.FAILED, f"Slack error: {exc.code}")
        return f"failed: {exc.code}"
    except Exception as exc:
        logger.exception("slack %s %s could not be handled", inbound.kind, inbound.pk)
        _finish(inbound, InboundStatus.FAILED, type(exc).__name__)
        raise
    _finish(inbound, InboundStatus.DONE if result else InboundStatus.IGNORED, result)
    return result or "ignored"


def _finish(inbound: SlackInbound, status: str, result: str) -> None:
    SlackInbound.objects.filter(pk=inbound.pk).update(
        status=status, result=result[:2000], handled_at=timezone.now()
    )

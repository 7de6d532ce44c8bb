"""Slack work queued by the endpoints and the Socket Mode runner (run by ``tandem worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def handle_inbound(inbound_id: int) -> str:
    from tandem.integrations.slack.services.handling import inbound_handle

    return inbound_handle(inbound_id)

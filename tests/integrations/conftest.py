"""A running Slack stand-in, Tandem pointed at it, and Slack's request signing for our endpoints."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import pytest
from django.test import Client

from tandem.integrations.slack.signing import sign
from tandem.integrations.slack.standin import SlackStandIn

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "xoxb-1111-2222-secretbottoken"


@pytest.fixture
def standin(settings):
    server = SlackStandIn(token=TOKEN).start()
    settings.SLACK_API_URL = server.api_url
    settings.SLACK_BOT_TOKEN = TOKEN
    settings.SLACK_SIGNING_SECRET = SECRET
    settings.SLACK_APP_TOKEN = ""
    yield server
    server.stop()


def post_signed(
    path: str,
    body: str,
    *,
    content_type: str,
    timestamp: int | None = None,
    secret: str = SECRET,
    headers: dict[str, str] | None = None,
):
    signed = sign(secret, body, int(time.time()) if timestamp is None else timestamp)
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in signed.items()}
    extra.update({f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()})
    return Client().post(path, data=body, content_type=content_type, **extra)


def post_event(event: dict, *, event_id: str = "Ev0001", **kwargs):
    body = json.dumps(
        {"type": "event_callback", "team_id": "T0STANDIN", "event_id": event_id, "event": event}
    )
    return post_signed(
        "/integrations/slack/events", body, content_type="application/json", **kwargs
    )


def post_interaction(payload: dict, **kwargs):
    body = urlencode({"payload": json.dumps(payload)})
    return post_signed(
        "/integrations/slack/interactions",
        body,
        content_type="application/x-www-form-urlencoded",
        **kwargs,
    )


def post_command(form: dict, **kwargs):
    return post_signed(
        "/integrations/slack/commands",
        urlencode(form),
        content_type="application/x-www-form-urlencoded",
        **kwargs,
    )


def run_queued_tasks() -> list[str]:
    """Do what ``tandem worker`` does with the queued Slack tasks; returns their results."""
    from django_tasks_db.models import DBTaskResult

    from tandem.integrations.slack.tasks import handle_inbound, look_up_user

    tasks = {"handle_inbound": handle_inbound, "look_up_user": look_up_user}
    results = []
    for row in DBTaskResult.objects.filter(status="READY").order_by("enqueued_at"):
        name = row.task_path.rsplit(".", 1)[-1]
        if name in tasks:
            results.append(tasks[name].call(*row.args_kwargs["args"]))
            row.delete()
    return results

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


# --- Microsoft Teams -------------------------------------------------------------------------

TEAMS_APP_ID = "6f1a2b3c-0000-4000-8000-00000000b07a"
TEAMS_SECRET = "teams~client~secret~value"
TEAMS_TENANT = "0b1c2d3e-0000-4000-8000-0000000000aa"


@pytest.fixture
def ms(settings):
    """The Microsoft stand-in (Bot Framework issuer, Entra token endpoint, Graph, Bot Connector)
    with Tandem pointed at it, and Tandem's token, key and catalog caches emptied."""
    from tandem.integrations.teams import auth, client
    from tandem.integrations.teams.services import people
    from tandem.integrations.teams.standin import MicrosoftStandIn

    server = MicrosoftStandIn(
        app_id=TEAMS_APP_ID, app_password=TEAMS_SECRET, tenant_id=TEAMS_TENANT
    ).start()
    for name, value in server.settings().items():
        setattr(settings, name, value)
    auth.forget_keys()
    client.forget_tokens()
    people.forget_catalog()
    yield server
    server.stop()
    auth.forget_keys()
    client.forget_tokens()
    people.forget_catalog()


def teams_activity(ms, **fields) -> dict:
    """A Teams activity as the Bot Framework sends it to the bot."""
    return {
        "type": "message",
        "id": "f:1",
        "channelId": "msteams",
        "serviceUrl": ms.service_url,
        "from": {"id": "29:someone", "name": "Someone"},
        "recipient": {"id": f"28:{TEAMS_APP_ID}", "name": "Tandem"},
        "conversation": {"id": "a:personal", "conversationType": "personal"},
        "channelData": {"tenant": {"id": TEAMS_TENANT}},
        **fields,
    }


def post_teams(activity: dict, *, token: str | None = "", authorization: str | None = None):
    """POST an activity to the messaging endpoint with ``Bearer <token>`` (none if ``token`` is
    empty or None), or with ``authorization`` as the whole header."""
    headers = {}
    if authorization is not None:
        headers["HTTP_AUTHORIZATION"] = authorization
    elif token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return Client().post(
        "/integrations/teams/messages",
        data=json.dumps(activity),
        content_type="application/json",
        **headers,
    )


def press(ms, posted, *, aad: str, title: str, activity_id: str = "inv:1"):
    """Press the card button titled ``title`` as the person ``aad`` (an Action.Execute invoke)."""
    action = next(a for a in posted.card["actions"] if a["title"] == title)
    activity = teams_activity(
        ms,
        type="invoke",
        name="adaptiveCard/action",
        id=activity_id,
        replyToId=posted.activity_id,
        conversation={"id": posted.conversation_id, "conversationType": "groupChat"},
        value={
            "action": {"type": "Action.Execute", "verb": action["verb"], "data": action["data"]}
        },
        **{"from": {"id": f"29:{aad}", "aadObjectId": aad, "name": "Presser"}},
    )
    return post_teams(activity, token=ms.activity_token())

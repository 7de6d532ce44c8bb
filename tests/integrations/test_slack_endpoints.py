"""Our three Slack endpoints: the signature is checked before anything else, a request is stored
once and handled by a task, and Slack's retries change nothing."""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from tandem.integrations.slack.models import SlackInbound
from tandem.integrations.slack.signing import is_signed, sign
from tests.integrations.conftest import (
    SECRET,
    post_command,
    post_event,
    post_interaction,
    post_signed,
)

pytestmark = pytest.mark.django_db

EVENTS = "/integrations/slack/events"
BODY = json.dumps(
    {
        "type": "event_callback",
        "event_id": "Ev42",
        "event": {"type": "member_joined_channel", "user": "U1", "channel": "C1"},
    }
)


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.SLACK_SIGNING_SECRET = SECRET
    settings.SLACK_BOT_TOKEN = "xoxb-test"


def _nothing_touched():
    assert SlackInbound.objects.count() == 0
    assert DBTaskResult.objects.count() == 0


def _post(body: str, headers: dict[str, str]):
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    return Client().post(EVENTS, data=body, content_type="application/json", **extra)


def test_a_correctly_signed_event_is_stored_and_queued(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_signed(EVENTS, BODY, content_type="application/json")
    assert response.status_code == 200
    inbound = SlackInbound.objects.get()
    assert inbound.key == "event:Ev42" and inbound.kind == "event"
    assert DBTaskResult.objects.get().task_path.endswith("handle_inbound")


@pytest.mark.parametrize(
    "case",
    [
        "no headers",
        "no signature",
        "no timestamp",
        "wrong secret",
        "body changed after signing",
        "stale: six minutes old",
        "from the future: six minutes ahead",
        "not v0",
        "timestamp not a number",
    ],
)
def test_every_bad_signature_is_refused_with_401_and_nothing_is_touched(case):
    now = int(time.time())
    good = sign(SECRET, BODY, now)
    headers = {
        "no headers": {},
        "no signature": {"X-Slack-Request-Timestamp": str(now)},
        "no timestamp": {"X-Slack-Signature": good["X-Slack-Signature"]},
        "wrong secret": sign("another-secret", BODY, now),
        "body changed after signing": sign(SECRET, BODY.replace("U1", "U2"), now),
        "stale: six minutes old": sign(SECRET, BODY, now - 6 * 60),
        "from the future: six minutes ahead": sign(SECRET, BODY, now + 6 * 60),
        "not v0": {**good, "X-Slack-Signature": good["X-Slack-Signature"].replace("v0=", "v1=")},
        "timestamp not a number": {**good, "X-Slack-Request-Timestamp": "soon"},
    }[case]
    response = _post(BODY, headers)
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error": "invalid_signature"}
    _nothing_touched()


@pytest.mark.parametrize("path", ["events", "interactions", "commands"])
def test_each_endpoint_refuses_unsigned_requests(path):
    response = Client().post(f"/integrations/slack/{path}", data={"payload": "{}"})
    assert response.status_code == 401
    _nothing_touched()


def test_without_a_signing_secret_nothing_is_trusted(settings):
    settings.SLACK_SIGNING_SECRET = ""
    response = post_signed(EVENTS, BODY, content_type="application/json", secret="")
    assert response.status_code == 401
    _nothing_touched()


def test_four_minutes_old_is_still_fresh():
    response = post_signed(
        EVENTS, BODY, content_type="application/json", timestamp=int(time.time()) - 4 * 60
    )
    assert response.status_code == 200


def test_verification_uses_a_clock_so_it_can_be_checked_at_a_fixed_time():
    class Clock:
        def now(self) -> float:
            return 1_700_000_000.0

    headers = sign(SECRET, BODY, 1_700_000_000 - 299)
    assert is_signed(SECRET, BODY.encode(), headers, clock=Clock())
    assert not is_signed(SECRET, BODY.encode(), sign(SECRET, BODY, 1_700_000_000 - 301), Clock())


def test_url_verification_echoes_the_challenge_and_stores_nothing():
    body = json.dumps({"type": "url_verification", "challenge": "3eZbrw1aBm2rZgRNFdxV2595"})
    response = post_signed(EVENTS, body, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595"}
    _nothing_touched()


def test_slack_retries_of_an_event_are_counted_but_never_handled_twice(
    django_capture_on_commit_callbacks,
):
    event = {"type": "member_left_channel", "user": "U9", "channel": "C9"}
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(event, event_id="EvRetry").status_code == 200
    for retry in ("1", "2"):
        with django_capture_on_commit_callbacks(execute=True):
            response = post_event(
                event,
                event_id="EvRetry",
                headers={"X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"},
            )
        assert response.status_code == 200
    inbound = SlackInbound.objects.get()
    assert inbound.retries_seen == 2
    assert DBTaskResult.objects.count() == 1


def test_an_interaction_pressed_once_is_queued_once_even_if_posted_again(
    django_capture_on_commit_callbacks,
):
    payload = {
        "type": "block_actions",
        "user": {"id": "U1"},
        "trigger_id": "123.456.abc",
        "actions": [{"action_id": "match.answer#0", "value": "1:yes", "action_ts": "1.2"}],
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert post_interaction(payload).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert post_interaction(payload).status_code == 200
    assert SlackInbound.objects.get().kind == "interaction"
    assert DBTaskResult.objects.count() == 1


def test_a_command_is_acknowledged_at_once_and_handled_later():
    response = post_command(
        {
            "command": "/tandem",
            "text": "help",
            "user_id": "U1",
            "trigger_id": "t-1",
            "response_url": "https://hooks.slack.com/commands/x",
        }
    )
    assert response.status_code == 200
    assert response.json()["response_type"] == "ephemeral"
    assert SlackInbound.objects.get().kind == "command"


@pytest.mark.parametrize(
    ("path", "body", "content_type"),
    [
        ("events", "not json", "application/json"),
        ("events", "[1, 2]", "application/json"),
        ("events", json.dumps({"type": "event_callback", "event": {}}), "application/json"),
        ("interactions", "payload=%7Bnope", "application/x-www-form-urlencoded"),
        ("interactions", "payload=%7B%7D", "application/x-www-form-urlencoded"),
        ("commands", "command=%2Ftandem", "application/x-www-form-urlencoded"),
    ],
)
def test_signed_but_malformed_requests_get_400_and_store_nothing(path, body, content_type):
    response = post_signed(f"/integrations/slack/{path}", body, content_type=content_type)
    assert response.status_code == 400
    _nothing_touched()


def test_the_endpoints_need_no_csrf_token_but_only_take_post():
    client = Client(enforce_csrf_checks=True)
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in sign(SECRET, BODY).items()}
    assert (
        client.post(EVENTS, data=BODY, content_type="application/json", **extra).status_code == 200
    )
    assert Client().get(EVENTS).status_code == 405


def test_slacks_legacy_verification_token_is_not_stored():
    body = json.dumps(
        {
            "token": "legacy-verification-token",
            "type": "event_callback",
            "event_id": "EvTok",
            "event": {"type": "user_change", "user": {"id": "U1"}},
        }
    )
    assert post_signed(EVENTS, body, content_type="application/json").status_code == 200
    assert "token" not in SlackInbound.objects.get().payload


def test_handled_requests_are_forgotten_after_thirty_days():
    from datetime import timedelta

    from django.utils import timezone

    from tandem.integrations.slack.jobs import forget_old_requests

    old = timezone.now() - timedelta(days=31)
    SlackInbound.objects.create(
        key="event:old", kind="event", payload={}, status="done", received_at=old
    )
    SlackInbound.objects.create(
        key="event:failed", kind="event", payload={}, status="failed", received_at=old
    )
    SlackInbound.objects.create(key="event:new", kind="event", payload={}, status="done")
    assert forget_old_requests(timezone.now()) == "1 requests forgotten"
    assert set(SlackInbound.objects.values_list("key", flat=True)) == {"event:failed", "event:new"}

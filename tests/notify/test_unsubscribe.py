"""RFC 8058 one-click unsubscribe, signed action links, the preferences page and API."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client

from tandem.notify.actions import ActionResult, action_token, register_action
from tandem.notify.messages import Button, Message
from tandem.notify.models import NotificationPreference, OutboxMessage, Status
from tandem.notify.outbox import deliver_due, send
from tandem.notify.unsubscribe import unsubscribe_token
from tests.notify.fakes import RecordingChannel


def deliver(user, category="nudges", key="u1") -> object:
    message = Message(kind="test_kind", category=category, title="Hello", text="Body")
    with transaction.atomic():
        send(message, to=user, event_key=key)
    deliver_due(worker_id="t")
    return mail.outbox[-1]


def one_click(url: str) -> int:
    """What a mail provider does (RFC 8058 §3.2): a POST with this body, no cookies, no CSRF."""
    client = Client(enforce_csrf_checks=True)
    path = url.split("://", 1)[1].split("/", 1)[1]
    return client.post(
        "/" + path,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    ).status_code


def test_every_non_account_email_carries_one_click_unsubscribe(participant):
    email = deliver(participant)
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert email.extra_headers["List-Unsubscribe"].startswith("<http")
    account = deliver(participant, category="account", key="u2")
    assert "List-Unsubscribe" not in account.extra_headers


def test_one_click_post_turns_off_only_that_category_without_signing_in(participant):
    NotificationPreference.objects.create(user=participant, channels={"matches": "email"})
    url = deliver(participant).extra_headers["List-Unsubscribe"].strip("<>")
    assert one_click(url) == 200
    pref = NotificationPreference.objects.get(user=participant)
    assert pref.channels == {"matches": "email", "nudges": "off"}
    # the next nudge is not sent, a match still is
    with transaction.atomic():
        for key, category in (("n2", "nudges"), ("m2", "matches")):
            message = Message(kind="k", category=category, title="t", text="t")
            send(message, to=participant, event_key=key)
    assert OutboxMessage.objects.get(event_key="n2").status == Status.CANCELLED
    assert OutboxMessage.objects.get(event_key="m2").status == Status.PENDING


def test_get_shows_a_button_and_changes_nothing(participant):
    url = deliver(participant).extra_headers["List-Unsubscribe"].strip("<>")
    response = Client().get("/" + url.split("://", 1)[1].split("/", 1)[1])
    assert response.status_code == 200
    assert b"Unsubscribe</button>" in response.content
    assert not NotificationPreference.objects.filter(user=participant).exists()


def test_tokens_cannot_be_forged_or_moved_to_another_person(participant, outsider):
    token = unsubscribe_token(participant.pk, "nudges")
    forged = token.replace(
        token.split(":")[0], unsubscribe_token(outsider.pk, "nudges").split(":")[0]
    )
    assert Client().post(f"/u/{forged}/").status_code == 404
    assert Client().post(f"/u/{token}x/").status_code == 404
    assert Client().post(f"/u/{unsubscribe_token(participant.pk, 'account')}/").status_code == 404
    assert not NotificationPreference.objects.exists()


@pytest.fixture
def echo_action():
    seen = []

    def handler(user, value):
        if value == "bad":
            raise ValueError("bad value")
        seen.append((user.pk, value))
        return ActionResult(f"Noted: {value}")

    register_action("test.echo", handler)
    return seen


def test_action_link_confirms_on_get_and_acts_on_post(participant, echo_action):
    token = action_token(participant.pk, "test.echo", "7:yes", "Yes, we met")
    client = Client()
    page = client.get(f"/actions/{token}/")
    assert page.status_code == 200 and b"Yes, we met" in page.content
    assert echo_action == []
    done = client.post(f"/actions/{token}/")
    assert done.status_code == 200 and b"Noted: 7:yes" in done.content
    assert echo_action == [(participant.pk, "7:yes")]


def test_action_link_refuses_bad_tokens_and_values(participant, echo_action):
    assert (
        Client().get(f"/actions/{action_token(participant.pk, 'test.echo', 'x')}z/").status_code
        == 404
    )
    bad = Client().post(f"/actions/{action_token(participant.pk, 'test.echo', 'bad')}/")
    assert bad.status_code == 400 and b"could not be recorded" in bad.content
    unknown = Client().post(f"/actions/{action_token(participant.pk, 'nope', 'x')}/")
    assert unknown.status_code == 400
    assert echo_action == []


def test_email_buttons_are_signed_action_links(participant, echo_action):
    message = Message(
        kind="k", category="nudges", title="t", text="t", buttons=(Button("Yes", "test.echo", "1"),)
    )
    with transaction.atomic():
        send(message, to=participant, event_key="b1")
    row = OutboxMessage.objects.get(event_key="b1")
    link = next(line for line in row.body_text.splitlines() if line.startswith("Yes: "))
    Client().post("/" + link.split("://", 1)[1].split("/", 1)[1])
    assert echo_action == [(participant.pk, "1")]


def test_preferences_page_saves_and_explains_missing_channels(participant, as_user):
    client = as_user(participant)
    page = client.get("/settings/notifications/")
    assert page.status_code == 200
    assert b"Slack and Microsoft Teams are not offered" in page.content
    data = {
        "channel_matches": "email",
        "channel_meetings": "email",
        "channel_nudges": "off",
        "channel_surveys": "email",
        "channel_program_news": "email",
        "quiet_start": "20:00",
        "quiet_end": "08:00",
        "working_days": ["0", "1", "2", "3", "4"],
        "low_priority": "weekly",
        "paused_until": "",
    }
    assert client.post("/settings/notifications/", data).status_code == 302
    pref = NotificationPreference.objects.get(user=participant)
    assert pref.channels["nudges"] == "off" and pref.working_days == [0, 1, 2, 3, 4]
    refused = client.post("/settings/notifications/", {**data, "channel_matches": "slack"})
    assert refused.status_code == 200 and b"Select a valid choice" in refused.content
    half = client.post("/settings/notifications/", {**data, "quiet_end": ""})
    assert b"both the start and the end" in half.content


def test_api_reads_and_replaces_preferences(participant, as_user):
    client = as_user(participant)
    got = client.get("/api/me/notifications").json()
    assert got["channels"]["matches"] == "email" and got["timezone"] == "Europe/Berlin"
    assert got["available_channels"] == ["email", "off"]
    put = client.put(
        "/api/me/notifications",
        {"channels": {"surveys": "off"}, "quiet_start": "21:00", "quiet_end": "07:30"},
        content_type="application/json",
    )
    assert put.status_code == 200, put.content
    assert put.json()["channels"]["surveys"] == "off" and put.json()["quiet_start"] == "21:00:00"
    bad = client.put(
        "/api/me/notifications",
        {"channels": {"matches": "slack", "gossip": "email"}, "working_days": [9]},
        content_type="application/json",
    )
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.json()["errors"]}
    assert fields == {"channels.matches", "channels", "working_days"}
    assert NotificationPreference.objects.get(user=participant).channels["surveys"] == "off"


def test_api_offers_slack_once_configured(participant, as_user):
    from tests.notify.fakes import standing_in_for

    with standing_in_for(RecordingChannel()):
        client = as_user(participant)
        put = client.put(
            "/api/me/notifications",
            {"channels": {"matches": "slack"}},
            content_type="application/json",
        )
        assert put.status_code == 200
        assert put.json()["available_channels"] == ["email", "slack", "off"]

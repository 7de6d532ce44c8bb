"""`/tandem` (matches, next meeting, pause, help) answered through the response_url, and Socket
Mode requests stored exactly like the HTTP ones (slack-bolt's app, dispatched in-process)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.utils import timezone
from slack_bolt import BoltRequest

from tandem.integrations.slack.bolt_app import build_app
from tandem.integrations.slack.models import SlackInbound
from tandem.integrations.slack.services.commands import command_answer
from tandem.integrations.slack.services.responses import response_url_allowed
from tandem.notify.models import NotificationPreference
from tests.factories import MeetingFactory, PersonFactory, RelationshipFactory
from tests.integrations.conftest import post_command, run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(standin):
    user = PersonFactory(user__email="ana@example.com", user__name="Ana Lima").user
    standin.add_member("ana@example.com", "UANA")
    return user


def test_the_command_is_answered_privately_through_the_response_url(
    ana, standin, django_capture_on_commit_callbacks
):
    form = {
        "command": "/tandem",
        "text": "help",
        "user_id": "UANA",
        "trigger_id": "t-42",
        "response_url": standin.response_url("r42"),
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert post_command(form).status_code == 200
    assert run_queued_tasks() == ["help"]
    name, body = standin.responses[-1]
    assert name == "r42" and body["response_type"] == "ephemeral"
    assert "/tandem pause until" in body["text"]


def test_my_matches_and_next_meeting(ana):
    relationship = RelationshipFactory(members=[ana.person, PersonFactory(user__name="Bo Berg")])
    assert "with Bo Berg" in command_answer(ana, "matches")
    assert "No meeting is planned" in command_answer(ana, "next")
    MeetingFactory(relationship=relationship, starts_at=timezone.now() + timedelta(days=3))
    assert command_answer(ana, "next").startswith("Next: *")


def test_pause_until_a_date_sets_the_pause_and_resume_ends_it(ana):
    today = date(2026, 12, 3)
    answer = command_answer(ana, "pause until 2026-12-24", today=today)
    assert "Paused until Thursday 24 December 2026" in answer
    assert NotificationPreference.objects.get(user=ana).paused_until == date(2026, 12, 24)
    assert "after today" in command_answer(ana, "pause until 2026-12-01", today=today)
    assert "up to a year" in command_answer(ana, "pause until 2028-01-01", today=today)
    assert "not a date" in command_answer(ana, "pause until 2026-02-30", today=today)
    assert "Say until when" in command_answer(ana, "pause", today=today)
    command_answer(ana, "resume")
    assert NotificationPreference.objects.get(user=ana).paused_until is None


def test_an_unknown_word_gets_the_help(ana):
    assert "I don't know “dance”" in command_answer(ana, "dance")


def test_responses_go_only_to_slack_or_the_configured_stand_in(standin, settings):
    assert response_url_allowed("https://hooks.slack.com/commands/T/1/x")
    assert response_url_allowed(standin.response_url("x"))
    assert not response_url_allowed("http://169.254.169.254/latest/meta-data")
    assert not response_url_allowed("https://hooks.slack.com.evil.example/x")
    settings.SLACK_API_URL = "https://slack.com/api/"
    assert not response_url_allowed(standin.response_url("x"))


def _socket_request(body: dict) -> BoltRequest:
    return BoltRequest(body=json.dumps(body), mode="socket_mode")


def test_socket_mode_requests_are_stored_once_like_http_ones(
    standin, django_capture_on_commit_callbacks
):
    app = build_app()
    event = {
        "type": "event_callback",
        "event_id": "EvSock",
        "event": {"type": "member_joined_channel", "user": "U1", "channel": "C1"},
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert app.dispatch(_socket_request(event)).status == 200
        assert app.dispatch(_socket_request(event)).status == 200
    command = {
        "command": "/tandem",
        "text": "matches",
        "user_id": "U1",
        "trigger_id": "t-s",
        "response_url": "https://hooks.slack.com/x",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = app.dispatch(_socket_request(command))
    assert response.status == 200 and "ephemeral" in response.body
    assert sorted(SlackInbound.objects.values_list("key", "retries_seen")) == [
        ("command:t-s", 0),
        ("event:EvSock", 1),
    ]

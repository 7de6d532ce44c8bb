"""Typing to the bot in a 1:1 chat, through the real endpoint with signed tokens: help, pause /
resume, snooze, status; anything else gets the help card. The answers come from the same
services as Slack's /tandem."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.integrations.teams.services.people import directory_sync
from tandem.matches.models import RotationStanding
from tandem.notify.models import NotificationPreference
from tandem.programs.models import Program, ProgramStatus
from tests.integrations.conftest import post_teams, teams_activity
from tests.matches.conftest import enrolled, matching_program

pytestmark = pytest.mark.django_db

CHAT = "a:1personalchat"


@pytest.fixture
def ana(coordinator, ms):
    rotation = matching_program(coordinator, 3, kind="coffee_rotation", cadence="weekly")
    Program.objects.filter(pk=rotation.pk).update(status=ProgramStatus.ACTIVE)
    a, b, _c = enrolled(rotation)
    aad = ms.add_user(a.user.email)
    ms.add_user(b.user.email)
    ms.personal_chats[aad] = CHAT  # Tandem is installed for Ana: the bot may answer her
    directory_sync()
    return a, b, aad, rotation


def _say(ms, aad: str, text: str, n: int):
    activity = teams_activity(
        ms,
        id=f"msg:{n}",
        text=text,
        conversation={"id": CHAT, "conversationType": "personal"},
        **{"from": {"id": f"29:{aad}", "aadObjectId": aad, "name": "Ana"}},
    )
    response = post_teams(activity, token=ms.activity_token())
    assert response.status_code == 200
    replies = [p for p in ms.posted if p.conversation_id == CHAT]
    assert len(replies) == n, "one reply per message"
    return " ".join(block["text"] for block in replies[-1].card["body"])


def test_help_and_unknown_text_answer_with_the_help_card(ana, ms):
    _a, _b, aad, _rotation = ana
    assert "**snooze** — sit out the next round" in _say(ms, aad, "help", 1)
    unknown = _say(ms, aad, "tell me a joke", 2)
    assert "I don't know “tell me a joke”." in unknown and "**status**" in unknown


def test_pause_and_resume_change_the_notification_preference(ana, ms):
    a, _b, aad, _rotation = ana
    until = timezone.localdate() + timedelta(days=20)
    assert "Say until when" in _say(ms, aad, "pause", 1)
    assert "Pick a date after today." in _say(ms, aad, "pause until 2020-01-01", 2)
    reply = _say(ms, aad, f"pause until {until.isoformat()}", 3)
    assert f"Paused until {until:%A %d %B %Y}. Type **resume**" in reply
    assert NotificationPreference.objects.get(user=a.user).paused_until == until
    assert "Welcome back" in _say(ms, aad, "resume", 4)
    assert NotificationPreference.objects.get(user=a.user).paused_until is None


def test_snooze_skips_the_next_round_and_status_says_so(ana, ms, coordinator):
    a, _b, aad, rotation = ana
    assert f"you sit out the next 1 round of {rotation.name}" in _say(ms, aad, "snooze", 1)
    assert RotationStanding.objects.get(person=a).skip_rounds == 1
    status = _say(ms, aad, "status", 2)
    assert "You have no current matches." in status
    assert (
        f"Next round of {rotation.name}: when the coordinator starts the first one — you sit it out."
        in status
    )


def test_status_lists_current_matches(ana, ms, coordinator):
    a, b, aad, rotation = ana
    from tests.factories import RelationshipFactory

    RelationshipFactory(program=rotation, members=[a, b])
    status = _say(ms, aad, "status", 1)
    assert f"- {rotation.name} with {b.user.name}" in status and "[open](" in status


def test_someone_tandem_does_not_know_is_told_so(ana, ms):
    stranger = ms.add_user("visitor@partner.example")
    ms.personal_chats[stranger] = CHAT
    assert "does not know your Teams account" in _say(ms, stranger, "status", 1)


def test_a_message_without_a_valid_token_is_not_answered(ana, ms):
    _a, _b, aad, _rotation = ana
    activity = teams_activity(
        ms,
        text="snooze",
        conversation={"id": CHAT, "conversationType": "personal"},
        **{"from": {"id": f"29:{aad}", "aadObjectId": aad}},
    )
    assert post_teams(activity, token=ms.activity_token(audience="someone-else")).status_code == 401
    assert ms.posted == [] and not RotationStanding.objects.exists()


def test_a_retried_message_is_answered_once(ana, ms):
    _a, _b, aad, _rotation = ana
    _say(ms, aad, "snooze", 1)
    activity = teams_activity(
        ms,
        id="msg:1",
        text="snooze",
        conversation={"id": CHAT, "conversationType": "personal"},
        **{"from": {"id": f"29:{aad}", "aadObjectId": aad}},
    )
    assert post_teams(activity, token=ms.activity_token()).status_code == 200
    assert len(ms.posted) == 1

"""Publish → a group conversation with the right people and texts → a button pressed in Slack →
the match changes and the message is updated in place. Against the Slack stand-in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.integrations.slack.models import SlackConversation, SlackIdentity, SlackInbound
from tandem.integrations.slack.services.people import directory_sync
from tandem.matches.models import ProposalMember
from tandem.matches.services.publish import run_publish
from tandem.notify.models import NotificationPreference, OutboxMessage, Status
from tandem.notify.outbox import deliver_due
from tandem.relationships.models import Membership, RelationshipStatus
from tests.factories import MatchRunFactory
from tests.integrations.conftest import post_interaction, run_queued_tasks
from tests.matches.conftest import enrolled, matching_program


@pytest.fixture
def pair(coordinator, standin):
    program = matching_program(coordinator, 3, both_must_accept=True)
    a, b, c = enrolled(program)
    for person in (a, b, c):
        standin.add_member(person.user.email)
    run = MatchRunFactory(program=program, proposals=[(a, b)], unmatched=[c])
    ProposalMember.objects.filter(run_member_filter(run, a)).update(
        explanation=["Bea offers SQL, which you want", "You both work in UTC+1"]
    )
    ProposalMember.objects.filter(run_member_filter(run, b)).update(
        explanation=["Ana offers public speaking, which you want"]
    )
    return program, run, a, b, c


def run_member_filter(run, person):
    from django.db.models import Q

    return Q(proposal__run=run, person=person)


def _deliver(now=None):
    return deliver_due(worker_id="test", now=now or timezone.now() + timedelta(seconds=1))


def test_publishing_opens_a_group_conversation_with_the_pair_and_why_in_each_ones_words(
    coordinator, pair, standin
):
    _program, run, a, b, _c = pair
    report = directory_sync()
    assert report.summary == "3 of 4 people found in Slack"
    assert [u.email for u in report.missing] == [coordinator.email]
    NotificationPreference.objects.create(user=a.user, channels={"matches": "slack"})

    relationship = run_publish(actor=coordinator, run=run)[0]

    intro = OutboxMessage.objects.get(kind="slack_intro")
    ids = {SlackIdentity.objects.get(user=p.user).slack_user_id for p in (a, b)}
    assert intro.channel == "slack" and set(intro.recipient.split(",")) == ids
    # Ana chose Slack for match news: she reads it in the group conversation, not twice.
    own = OutboxMessage.objects.get(kind="match_proposed", user=a.user)
    assert own.status == Status.CANCELLED
    assert OutboxMessage.objects.get(kind="match_proposed", user=b.user).channel == "email"

    report = _deliver()
    assert intro.pk in report.sent
    opened = standin.calls_to("conversations.open")
    assert [set(call.params["users"].split(",")) for call in opened] == [ids]
    posted = standin.messages[-1]
    text = str(posted.blocks)
    assert a.user.name in posted.text and b.user.name in posted.text
    assert f"Why this match, for {a.user.name}" in text and "Bea offers SQL" in text
    assert f"Why this match, for {b.user.name}" in text and "Ana offers public speaking" in text
    actions = next(block for block in posted.blocks if block["type"] == "actions")
    labels = [element["text"]["text"] for element in actions["elements"]]
    assert labels == ["Accept", "Decline", "Suggest meeting times", "Open in Tandem"]
    assert actions["elements"][3]["url"].endswith(f"/relationships/{relationship.pk}/")
    conversation = SlackConversation.objects.get(relationship_id=relationship.pk)
    assert conversation.channel_id == posted.channel and conversation.intro_ts == posted.ts
    intro.refresh_from_db()
    assert intro.remote_id == f"{posted.channel}:{posted.ts}"


def test_accept_in_slack_records_the_answer_and_updates_the_message_in_place(
    coordinator, pair, standin, django_capture_on_commit_callbacks
):
    _program, run, a, _b, _ = pair
    directory_sync()
    relationship = run_publish(actor=coordinator, run=run)[0]
    _deliver()
    posted = standin.messages[-1]
    slack_a = SlackIdentity.objects.get(user=a.user).slack_user_id
    accept = next(
        e
        for block in posted.blocks
        if block["type"] == "actions"
        for e in block["elements"]
        if e["text"]["text"] == "Accept"
    )
    payload = {
        "type": "block_actions",
        "user": {"id": slack_a},
        "trigger_id": "tr-1",
        "container": {"type": "message", "channel_id": posted.channel, "message_ts": posted.ts},
        "channel": {"id": posted.channel},
        "message": {"ts": posted.ts, "text": posted.text, "blocks": posted.blocks},
        "actions": [{**accept, "action_ts": "1700000000.1"}],
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert post_interaction(payload).status_code == 200
    # A retry of the same press changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert post_interaction(payload, headers={"X-Slack-Retry-Num": "1"}).status_code == 200
    assert run_queued_tasks() == ["match.answer: ok"]

    membership = Membership.objects.get(relationship=relationship, person=a)
    assert membership.accepted_at is not None
    assert relationship.__class__.objects.get(pk=relationship.pk).status == (
        RelationshipStatus.PROPOSED
    )  # Bea has not answered yet
    update = standin.calls_to("chat.update")[-1]
    assert update.params["channel"] == posted.channel and update.params["ts"] == posted.ts
    updated = standin.message(posted.channel, posted.ts)
    assert f"✅ {a.user.name}: Accepted" in str(updated.blocks)
    # In a group conversation the buttons stay for the others.
    assert any(block["type"] == "actions" for block in updated.blocks)
    assert SlackInbound.objects.get().status == "done"


def test_a_press_by_someone_outside_the_match_changes_nothing(coordinator, pair, standin):
    _program, run, _a, _b, c = pair
    directory_sync()
    relationship = run_publish(actor=coordinator, run=run)[0]
    _deliver()
    posted = standin.messages[-1]
    slack_c = SlackIdentity.objects.get(user=c.user).slack_user_id
    from tandem.integrations.slack.services.interactions import handle_interaction

    result = handle_interaction(
        {
            "type": "block_actions",
            "user": {"id": slack_c},
            "channel": {"id": posted.channel},
            "message": {"ts": posted.ts, "blocks": posted.blocks},
            "actions": [{"action_id": "match.answer#1", "value": f"{relationship.pk}:no"}],
        }
    )
    assert result == "match.answer: refused"
    assert not Membership.objects.filter(declined_at__isnull=False).exists()
    assert "Only the people in this match" in str(standin.message(posted.channel, posted.ts).blocks)


def test_suggest_meeting_times_answers_with_slots_from_the_slot_finder(coordinator, pair, standin):
    _program, run, _a, b, _ = pair
    directory_sync()
    relationship = run_publish(actor=coordinator, run=run)[0]
    _deliver()
    posted = standin.messages[-1]
    from tandem.integrations.slack.services.interactions import handle_interaction

    handle_interaction(
        {
            "type": "block_actions",
            "user": {"id": SlackIdentity.objects.get(user=b.user).slack_user_id},
            "channel": {"id": posted.channel},
            "message": {"ts": posted.ts, "blocks": posted.blocks},
            "actions": [{"action_id": "slack.suggest_times#2", "value": str(relationship.pk)}],
        }
    )
    text = str(standin.message(posted.channel, posted.ts).blocks)
    assert "Times that suit everyone" in text and "•" in text


def test_without_slack_people_nobody_gets_a_group_intro(coordinator, pair, standin):
    _program, run, _a, _b, _ = pair
    run_publish(actor=coordinator, run=run)  # nobody looked up yet
    assert not OutboxMessage.objects.filter(kind="slack_intro").exists()


def test_a_rate_limited_post_is_retried_after_slacks_retry_after(coordinator, pair, standin):
    _program, run, _a, _b, _ = pair
    directory_sync()
    run_publish(actor=coordinator, run=run)
    standin.fail_next("chat.postMessage", status=429, retry_after=120)
    before = timezone.now()
    report = _deliver()
    intro = OutboxMessage.objects.get(kind="slack_intro")
    assert intro.pk in report.retrying
    assert intro.status == Status.PENDING
    assert intro.next_attempt_at >= before + timedelta(seconds=115)
    assert "ratelimited" in intro.last_error
    report = _deliver(now=intro.next_attempt_at + timedelta(seconds=1))
    assert intro.pk in report.sent


def test_a_permanent_slack_error_fails_the_row_with_slacks_code(coordinator, pair, standin):
    _program, run, *_ = pair
    directory_sync()
    run_publish(actor=coordinator, run=run)
    standin.fail_next("conversations.open", error="user_disabled")
    report = _deliver()
    intro = OutboxMessage.objects.get(kind="slack_intro")
    assert intro.pk in report.failed and "user_disabled" in intro.last_error


def test_a_direct_message_with_buttons_is_answered_and_its_buttons_replaced(db, standin):
    from django.db import transaction

    from tandem.integrations.slack.services.interactions import handle_interaction
    from tandem.notify.actions import ActionResult, register_action
    from tandem.notify.messages import Button, Message
    from tandem.notify.outbox import send
    from tests.factories import PersonFactory

    ana = PersonFactory(user__email="ana@example.com", user__name="Ana Lima").user
    standin.add_member("ana@example.com", "UANA")
    directory_sync()
    NotificationPreference.objects.create(user=ana, channels={"nudges": "slack"})
    answers = []
    register_action(
        "test.slack_answer",
        lambda user, value: answers.append((user, value)) or ActionResult("Noted."),
    )
    message = Message(
        kind="test_nudge",
        category="nudges",
        title="How is it going?",
        text="Tell us in one click.",
        buttons=(Button("Fine", action="test.slack_answer", value="9:fine"),),
        link_url="https://tandem.test/r/9/",
    )
    with transaction.atomic():
        send(message, to=ana, event_key="nudge-9")
    row = OutboxMessage.objects.get(event_key="nudge-9")
    assert (row.channel, row.recipient) == ("slack", "UANA")
    assert row.pk in _deliver().sent
    posted = standin.messages[-1]
    assert posted.channel.startswith("D")
    button = posted.blocks[-1]["elements"][0]
    assert (
        handle_interaction(
            {
                "type": "block_actions",
                "user": {"id": "UANA"},
                "channel": {"id": posted.channel},
                "message": {"ts": posted.ts, "text": posted.text, "blocks": posted.blocks},
                "actions": [button],
            }
        )
        == "test.slack_answer: ok"
    )
    assert answers == [(ana, "9:fine")]
    updated = standin.message(posted.channel, posted.ts)
    assert "✅ Ana Lima: Noted." in str(updated.blocks)
    remaining = [
        e["action_id"] for b in updated.blocks if b["type"] == "actions" for e in b["elements"]
    ]
    assert remaining == ["tandem.link#1"]  # the answer buttons are gone, the link stays

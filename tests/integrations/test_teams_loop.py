"""The participation loop in Teams, against the Microsoft stand-in, on a fixed timeline:
publish → a group chat created through Graph with Tandem added → the intro card posted through
the Bot Connector → Accept pressed (the card comes back updated) → a meeting → "did you meet?"
in the bot's 1:1 chat (Tandem installed for the person through Graph) → "Yes, we met" → the
answer recorded and the card's answer buttons replaced."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.integrations.teams.models import (
    TeamsCard,
    TeamsConversation,
    TeamsIdentity,
    TeamsInbound,
)
from tandem.integrations.teams.services.people import directory_sync
from tandem.matches.models import ProposalMember
from tandem.matches.services.publish import run_publish
from tandem.notify.models import NotificationPreference, OutboxMessage, Status
from tandem.notify.outbox import deliver_due
from tandem.relationships import reminders
from tandem.relationships.models import (
    Checkin,
    Meeting,
    MeetingStatus,
    Membership,
    RelationshipStatus,
)
from tests.factories import MatchRunFactory
from tests.integrations.conftest import press
from tests.matches.conftest import enrolled, matching_program

T0 = timezone.now().replace(microsecond=0)


@pytest.fixture
def pair(coordinator, ms):
    program = matching_program(coordinator, 3, both_must_accept=True)
    a, b, c = enrolled(program)
    for person in (a, b, c):
        ms.add_user(person.user.email)
    run = MatchRunFactory(program=program, proposals=[(a, b)], unmatched=[c])
    ProposalMember.objects.filter(proposal__run=run, person=a).update(
        explanation=["Bea offers SQL, which you want", "You both work in UTC+1"]
    )
    return program, run, a, b, c


def _deliver(now):
    return deliver_due(worker_id="test", now=now)


def _aad(person) -> str:
    return TeamsIdentity.objects.get(user=person.user).aad_object_id


def test_the_whole_loop_in_teams(coordinator, pair, ms):
    _program, run, a, b, _c = pair
    report = directory_sync(now=T0)
    assert report.summary == "3 of 4 people found in Teams"
    assert [u.email for u in report.missing] == [coordinator.email]
    NotificationPreference.objects.create(user=a.user, channels={"matches": "teams"})

    # --- publish: the intro is written with the match, for the pair's group chat -----------
    relationship = run_publish(actor=coordinator, run=run)[0]
    intro = OutboxMessage.objects.get(kind="teams_intro")
    assert intro.channel == "teams" and set(intro.recipient.split(",")) == {_aad(a), _aad(b)}
    own = OutboxMessage.objects.get(kind="match_proposed", user=a.user)
    assert own.status == Status.CANCELLED  # Ana reads it in the group chat, not twice

    assert intro.pk in _deliver(timezone.now() + timedelta(seconds=1)).sent
    (created,) = ms.calls_to("graph.create_chat")
    assert created.body["chatType"] == "group"
    assert {m["user@odata.bind"].split("'")[1] for m in created.body["members"]} == {
        _aad(a),
        _aad(b),
    }
    chat_id = next(iter(ms.chats))
    assert ms.chat_apps[chat_id] == {ms.catalog_id}  # Tandem added to the chat, then it posts
    posted = ms.posted[-1]
    assert posted.conversation_id == chat_id
    card = posted.card
    text = str(card["body"])
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert f"Why this match, for {a.user.name}" in text and "Bea offers SQL" in text
    assert [x["title"] for x in card["actions"]] == [
        "Accept",
        "Decline",
        "Suggest meeting times",
        "Open in Tandem",
    ]
    assert card["actions"][0] == {
        "type": "Action.Execute",
        "title": "Accept",
        "verb": "match.answer",
        "data": {"action": "match.answer", "value": f"{relationship.pk}:yes"},
        "style": "positive",
    }
    assert card["actions"][3]["url"].endswith(f"/relationships/{relationship.pk}/")
    intro.refresh_from_db()
    assert intro.remote_id == f"{chat_id}|{posted.activity_id}"
    assert TeamsConversation.objects.get(relationship_id=relationship.pk).chat_id == chat_id
    # Tokens are fetched once per scope and reused (the stand-in refuses calls without one).
    assert len(ms.calls_to("token")) == 2

    # --- Accept, pressed by each: the card comes back updated -------------------------------
    response = press(ms, posted, aad=_aad(a), title="Accept", activity_id="inv:a")
    assert response.status_code == 200
    answer = response.json()
    assert answer["statusCode"] == 200
    assert answer["type"] == "application/vnd.microsoft.card.adaptive"
    assert f"✅ {a.user.name}: " in str(answer["value"]["body"])
    # A group chat: Bea still answers for herself, so the buttons stay.
    assert [x["title"] for x in answer["value"]["actions"]][:2] == ["Accept", "Decline"]
    assert Membership.objects.get(relationship=relationship, person=a).accepted_at is not None
    # Teams retrying the same invoke changes nothing and gets the same answer.
    again = press(ms, posted, aad=_aad(a), title="Accept", activity_id="inv:a")
    assert again.json() == answer and TeamsInbound.objects.get(key__endswith="inv:a").retries_seen
    response = press(ms, posted, aad=_aad(b), title="Accept", activity_id="inv:b")
    assert f"✅ {b.user.name}: " in str(response.json()["value"]["body"])
    relationship.refresh_from_db()
    assert relationship.status == RelationshipStatus.ACTIVE
    stored = TeamsCard.objects.get(conversation_id=chat_id, activity_id=posted.activity_id)
    assert str(stored.card["body"]).count("✅") == 2

    # --- a meeting, then "did you meet?" in each one's 1:1 chat with the bot ----------------
    for person in (a, b):
        NotificationPreference.objects.update_or_create(
            user=person.user, defaults={"channels": {"matches": "teams", "meetings": "teams"}}
        )
    t1 = timezone.now()
    start = t1 - timedelta(hours=3)
    meeting = Meeting.objects.create(
        relationship=relationship,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        timezone="UTC",
        uid="loop-1@test",
        organiser=a,
    )
    assert reminders.log_prompts(t1) == 2
    asked = OutboxMessage.objects.get(kind="did_you_meet", user=a.user)
    assert (asked.channel, asked.recipient) == ("teams", _aad(a))
    later = max(r.next_attempt_at for r in OutboxMessage.objects.filter(kind="did_you_meet"))
    report = _deliver(later + timedelta(seconds=1))
    assert asked.pk in report.sent
    installs = ms.calls_to("graph.install_user")
    assert {c.path.split("/")[4] for c in installs} == {_aad(a), _aad(b)}
    asked.refresh_from_db()
    personal = ms.personal_chats[_aad(a)]
    chat, activity_id = asked.remote_id.split("|")
    assert chat == personal
    question = ms.activity(personal, activity_id)
    assert "Did you meet?" in str(question.card["body"])
    assert TeamsIdentity.objects.get(user=a.user).chat_id == personal
    assert [x["title"] for x in question.card["actions"]] == [
        "Yes, we met",
        "Yes, and log it",
        "Not yet",
        "No",
        "Open your match",
    ]

    # --- "Yes, we met": recorded, the answer buttons replaced (the link stays) --------------
    response = press(ms, question, aad=_aad(a), title="Yes, we met", activity_id="inv:met")
    card = response.json()["value"]
    assert f"✅ {a.user.name}: " in str(card["body"])
    assert [x["type"] for x in card["actions"]] == ["Action.OpenUrl"]
    assert Checkin.objects.get(membership__person=a, key=f"meeting:{meeting.pk}").answer == "yes"
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    # Only the card's own person's chat was used; nothing went by email to Ana for this.
    assert not OutboxMessage.objects.filter(
        kind="did_you_meet", user=a.user, channel="email"
    ).exists()


def test_someone_outside_the_match_cannot_answer_for_it(coordinator, pair, ms):
    _program, run, _a, _b, c = pair
    directory_sync()
    relationship = run_publish(actor=coordinator, run=run)[0]
    _deliver(timezone.now() + timedelta(seconds=1))
    posted = ms.posted[-1]
    response = press(ms, posted, aad=_aad(c), title="Decline")
    assert "⚠️" in str(response.json()["value"]["body"])
    assert not Membership.objects.filter(relationship=relationship, declined_at__isnull=False)


def test_suggest_meeting_times_answers_with_slots(coordinator, pair, ms):
    _program, run, _a, b, _ = pair
    directory_sync()
    run_publish(actor=coordinator, run=run)
    _deliver(timezone.now() + timedelta(seconds=1))
    response = press(ms, ms.posted[-1], aad=_aad(b), title="Suggest meeting times")
    text = str(response.json()["value"]["body"])
    assert "Times that suit everyone" in text or "No shared free time" in text


def test_an_unknown_teams_account_is_told_so(coordinator, pair, ms):
    _program, run, *_ = pair
    directory_sync()
    run_publish(actor=coordinator, run=run)
    _deliver(timezone.now() + timedelta(seconds=1))
    stranger = ms.add_user("stranger@elsewhere.example")
    response = press(ms, ms.posted[-1], aad=stranger, title="Accept")
    assert "does not know your Teams account" in str(response.json()["value"]["body"])


def test_throttling_is_retried_after_retry_after(coordinator, pair, ms):
    _program, run, *_ = pair
    directory_sync()
    run_publish(actor=coordinator, run=run)
    ms.fail_next("connector.post", status=429, retry_after=120)
    before = timezone.now()
    report = _deliver(before + timedelta(seconds=1))
    intro = OutboxMessage.objects.get(kind="teams_intro")
    assert intro.pk in report.retrying and intro.status == Status.PENDING
    assert intro.next_attempt_at >= before + timedelta(seconds=115)
    assert "throttled" in intro.last_error
    assert intro.pk in _deliver(intro.next_attempt_at + timedelta(seconds=1)).sent
    assert len(ms.calls_to("graph.create_chat")) == 1  # the retry reused the chat


def test_graph_throttling_on_chat_creation_is_retried_too(coordinator, pair, ms):
    _program, run, *_ = pair
    directory_sync()
    run_publish(actor=coordinator, run=run)
    ms.fail_next("graph.create_chat", status=429, retry_after=30)
    report = _deliver(timezone.now() + timedelta(seconds=1))
    intro = OutboxMessage.objects.get(kind="teams_intro")
    assert intro.pk in report.retrying
    assert intro.next_attempt_at >= timezone.now() + timedelta(seconds=25)


def test_a_permanent_error_fails_the_row_with_microsofts_code(coordinator, pair, ms):
    _program, run, *_ = pair
    directory_sync()
    run_publish(actor=coordinator, run=run)
    ms.fail_next("graph.create_chat", status=403, code="Forbidden")
    report = _deliver(timezone.now() + timedelta(seconds=1))
    intro = OutboxMessage.objects.get(kind="teams_intro")
    assert intro.pk in report.failed and "Forbidden" in intro.last_error


def test_a_server_error_is_temporary(coordinator, pair, ms):
    _program, run, *_ = pair
    directory_sync()
    run_publish(actor=coordinator, run=run)
    ms.fail_next("connector.post", status=502, code="BadGateway")
    report = _deliver(timezone.now() + timedelta(seconds=1))
    assert OutboxMessage.objects.get(kind="teams_intro").pk in report.retrying


def test_without_teams_people_nobody_gets_a_group_intro(coordinator, pair, ms):
    _program, run, *_ = pair
    run_publish(actor=coordinator, run=run)  # nobody looked up yet
    assert not OutboxMessage.objects.filter(kind="teams_intro").exists()


def test_secrets_and_tokens_never_reach_the_log(coordinator, pair, ms, caplog):
    _program, run, *_ = pair
    caplog.set_level("DEBUG")
    directory_sync()
    run_publish(actor=coordinator, run=run)
    ms.fail_next("connector.post", status=429, retry_after=5)
    _deliver(timezone.now() + timedelta(seconds=1))
    ms.fail_next("token", status=401, code="invalid_client")
    from tandem.integrations.teams import client

    client.forget_tokens()
    with pytest.raises(client.TeamsError):
        client.access_token("https://graph.microsoft.com/.default")
    text = caplog.text + str([r.args for r in caplog.records])
    assert ms.app_password not in text
    assert "eyJ" not in text  # no JWT (header, claims or signature) in any log line


def test_a_press_while_graph_is_down_says_so_on_the_card(coordinator, pair, ms):
    _program, run, *_ = pair
    directory_sync()
    run_publish(actor=coordinator, run=run)
    _deliver(timezone.now() + timedelta(seconds=1))
    stranger = ms.add_user("stranger@elsewhere.example")  # unknown: Tandem asks Graph who it is
    ms.fail_next("graph.user", status=500, code="InternalServerError")
    response = press(ms, ms.posted[-1], aad=stranger, title="Accept", activity_id="inv:down")
    assert response.status_code == 200
    assert "Tandem could not answer (InternalServerError)" in str(response.json()["value"])
    assert TeamsInbound.objects.get(key__endswith="inv:down").status == "failed"

"""People found through Graph (by UPN, then by mail) and remembered; someone Teams cannot reach
gets email, visibly on the Outbox page; every message kind as an Adaptive Card; Action.Submit
from clients without Universal Actions; the preferences page offers Teams once configured."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.db import transaction
from django.utils import timezone

from tandem.integrations.teams.cards import markdown, render_adaptive_card, with_answer
from tandem.integrations.teams.models import TeamsCard, TeamsIdentity
from tandem.integrations.teams.services.people import (
    directory_sync,
    identity_lookup,
    user_for_aad_id,
)
from tandem.notify.actions import ActionResult, register_action
from tandem.notify.messages import Button, Message
from tandem.notify.models import NotificationPreference, OutboxMessage
from tandem.notify.outbox import deliver_due, send
from tests.conftest import client_for
from tests.factories import PersonFactory
from tests.integrations.conftest import post_teams, teams_activity

pytestmark = pytest.mark.django_db


def _deliver():
    return deliver_due(worker_id="test", now=timezone.now() + timedelta(seconds=1))


# --- people --------------------------------------------------------------------------------


def test_people_are_found_by_upn_then_by_mail_and_remembered(ms):
    ana = PersonFactory(user__email="ana@example.com").user
    bea = PersonFactory(user__email="bea@example.com").user
    PersonFactory(user__email="nobody@example.com")
    ana_id = ms.add_user("ana@example.com")
    bea_id = ms.add_user("bea@example.com", upn="bea.b@contoso.onmicrosoft.com")
    report = directory_sync()
    assert report.summary == "2 of 3 people found in Teams"
    assert TeamsIdentity.objects.get(user=ana).aad_object_id == ana_id
    bea_identity = TeamsIdentity.objects.get(user=bea)
    assert (bea_identity.aad_object_id, bea_identity.upn) == (
        bea_id,
        "bea.b@contoso.onmicrosoft.com",
    )
    assert len(ms.calls_to("graph.users_filter")) == 2  # bea and nobody were not UPNs
    assert user_for_aad_id(bea_id) == bea
    calls = len(ms.calls)
    assert user_for_aad_id(ana_id) == ana and len(ms.calls) == calls  # remembered: no call


def test_an_unknown_object_id_is_looked_up_once_then_remembered(ms):
    ana = PersonFactory(user__email="Ana@Example.com").user
    ana_id = ms.add_user("ana@example.com")
    assert user_for_aad_id(ana_id) == ana
    assert TeamsIdentity.objects.get(user=ana).aad_object_id == ana_id
    assert user_for_aad_id("00000000-dead-beef-0000-000000000000") is None


def test_a_passing_failure_is_not_remembered_as_not_in_teams(ms):
    ana = PersonFactory(user__email="ana@example.com").user
    ms.fail_next("graph.user", status=503, code="ServiceUnavailable")
    from tandem.integrations.teams.client import TeamsError

    with pytest.raises(TeamsError):
        identity_lookup(ana)
    assert not TeamsIdentity.objects.filter(user=ana).exists()


def test_throttling_stops_a_sync_and_keeps_what_it_learned(ms):
    for n in range(3):
        PersonFactory(user__email=f"p{n}@example.com", user__name=f"P{n}")
        ms.add_user(f"p{n}@example.com")
    ms.fail_next("graph.user", status=429, retry_after=10)  # the first person's look-up
    report = directory_sync()
    assert report.stopped_by == "throttled" and report.found == 0
    assert TeamsIdentity.objects.count() == 0
    report = directory_sync(only_stale=True)
    assert report.found == 3


def _nudge(user, event_key="nudge-9"):
    message = Message(
        kind="test_nudge",
        category="nudges",
        title="How is it going?",
        text="Tell us in one click.",
        buttons=(Button("Fine", action="test.teams_answer", value="9:fine"),),
        link_url="https://tandem.test/r/9/",
    )
    with transaction.atomic():
        send(message, to=user, event_key=event_key)
    return OutboxMessage.objects.get(event_key=event_key)


def test_someone_not_in_teams_gets_email_and_the_outbox_says_why(
    ms, admin, django_capture_on_commit_callbacks
):
    ana = PersonFactory(user__email="ana@example.com", user__name="Ana Lima").user
    NotificationPreference.objects.create(user=ana, channels={"nudges": "teams"})
    with django_capture_on_commit_callbacks(execute=True):
        row = _nudge(ana)  # never looked up: a look-up is queued, this one goes by email
    assert (row.channel, row.fallback_reason) == ("email", "not found in Microsoft Teams")
    page = client_for(admin).get("/outbox/")
    assert page.status_code == 200 and b"not found in Microsoft Teams" in page.content


def test_someone_tandem_cannot_be_installed_for_falls_back_to_email(ms):
    ana = PersonFactory(user__email="ana@example.com").user
    aad = ms.add_user("ana@example.com")
    ms.blocked.add(aad)
    directory_sync()
    NotificationPreference.objects.create(user=ana, channels={"nudges": "teams"})
    row = _nudge(ana)
    assert row.channel == "teams"
    assert row.pk in _deliver().failed
    row.refresh_from_db()
    assert "Forbidden" in row.last_error
    assert TeamsIdentity.objects.get(user=ana).error.startswith("unreachable:")
    again = _nudge(ana, event_key="nudge-10")
    assert (again.channel, again.fallback_reason) == ("email", "not found in Microsoft Teams")


def test_an_app_not_yet_uploaded_fails_clearly(ms):
    ms.uploaded = False
    ana = PersonFactory(user__email="ana@example.com").user
    ms.add_user("ana@example.com")
    directory_sync()
    NotificationPreference.objects.create(user=ana, channels={"nudges": "teams"})
    row = _nudge(ana)
    assert row.pk in _deliver().failed
    row.refresh_from_db()
    assert "app_not_uploaded" in row.last_error
    assert not TeamsIdentity.objects.get(user=ana).error  # not this person's fault


def test_action_submit_from_an_older_client_updates_the_card_through_the_connector(ms):
    ana = PersonFactory(user__email="ana@example.com", user__name="Ana Lima").user
    aad = ms.add_user("ana@example.com")
    directory_sync()
    NotificationPreference.objects.create(user=ana, channels={"nudges": "teams"})
    answers = []
    register_action(
        "test.teams_answer",
        lambda user, value: answers.append((user, value)) or ActionResult("Noted."),
    )
    row = _nudge(ana)
    assert row.pk in _deliver().sent
    posted = ms.posted[-1]
    action = posted.card["actions"][0]
    activity = teams_activity(
        ms,
        id="sub:1",
        replyToId=posted.activity_id,
        conversation={"id": posted.conversation_id, "conversationType": "personal"},
        value=action["data"],
        **{"from": {"id": "29:ana", "aadObjectId": aad}},
    )
    assert post_teams(activity, token=ms.activity_token()).status_code == 200
    assert answers == [(ana, "9:fine")]
    (update,) = ms.calls_to("connector.update")
    assert unquote(update.path).endswith(f"/activities/{posted.activity_id}")
    card = ms.activity(posted.conversation_id, posted.activity_id).card
    assert "✅ Ana Lima: Noted." in str(card["body"])
    assert [a["type"] for a in card["actions"]] == ["Action.OpenUrl"]
    stored = TeamsCard.objects.get(activity_id=posted.activity_id)
    assert stored.card == card


# --- cards ---------------------------------------------------------------------------------

KINDS = [
    (
        "match_proposed",
        "matches",
        [
            ("Accept", "match.answer", "4:yes", "primary"),
            ("Decline", "match.answer", "4:no", "danger"),
        ],
    ),
    (
        "did_you_meet",
        "meetings",
        [
            ("Yes, we met", "relationships.did_you_meet", "7:yes", "primary"),
            ("Not yet", "relationships.did_you_meet", "7:not_yet", None),
        ],
    ),
    ("rotation_snooze", "matches", [("Skip next round", "matches.snooze", "3:1", None)]),
    ("rotation_not_paired", "matches", []),
    ("ghost_check", "nudges", [("Stay", "relationships.ghost", "5:stay", "primary")]),
    ("cadence_nudge", "nudges", []),
    (
        "pulse_question",
        "surveys",
        [("😀", "feedback.pulse", "8:5", None), ("😐", "feedback.pulse", "8:3", None)],
    ),
]


@pytest.mark.parametrize(("kind", "category", "buttons"), KINDS, ids=[k[0] for k in KINDS])
def test_every_kind_renders_as_an_adaptive_card(kind, category, buttons):
    message = Message(
        kind=kind,
        category=category,
        title=f"A {kind} title",
        text="Your *coffee* with Bea\n• Tuesday\n[Log it](https://t.example/l/1) <b>raw</b>",
        buttons=tuple(Button(label, action=a, value=v, style=s) for label, a, v, s in buttons),
        link_url="https://t.example/r/7/",
    )
    payload = render_adaptive_card(message)
    card = payload["card"]
    assert payload["text"].startswith(f"A {kind} title: ")
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    title, body = card["body"]
    assert title["text"] == f"A {kind} title" and title["weight"] == "Bolder"
    assert "**coffee**" in body["text"] and "[Log it](https://t.example/l/1)" in body["text"]
    assert body["wrap"] is True
    actions = card["actions"]
    assert [a["title"] for a in actions] == [b[0] for b in buttons] + ["Open in Tandem"]
    for action, (_label, name, value, style) in zip(actions, buttons, strict=False):
        assert action["type"] == "Action.Execute" and action["verb"] == name
        assert action["data"] == {"action": name, "value": value}  # as Slack's button value
        assert action.get("style") == {"primary": "positive", "danger": "destructive"}.get(style)
    assert actions[-1] == {
        "type": "Action.OpenUrl",
        "title": "Open in Tandem",
        "url": "https://t.example/r/7/",
    }


def test_markdown_and_the_answered_form():
    assert markdown("a *b* c\nd") == "a **b** c\n\nd"
    assert markdown("2 * 3 * 4") == "2 * 3 * 4"
    card = render_adaptive_card(
        Message(
            kind="k",
            category="nudges",
            title="T",
            text="x",
            buttons=(Button("Yes", action="a", value="1"),),
            link_url="https://t/1",
        )
    )["card"]
    answered = with_answer(card, "✅ Ana: Noted.", keep_buttons=False)
    assert answered["body"][-1]["text"] == "✅ Ana: Noted."
    assert [a["type"] for a in answered["actions"]] == ["Action.OpenUrl"]
    kept = with_answer(card, "✅ Ana: Noted.", keep_buttons=True)
    assert len(kept["actions"]) == 2 and card["body"] != answered["body"]  # the original unchanged


# --- preferences ---------------------------------------------------------------------------


def test_the_preferences_page_offers_teams_once_it_is_configured(participant, settings):
    settings.TEAMS_APP_ID = ""
    page = client_for(participant).get("/settings/notifications/")
    assert "Microsoft Teams" in page.content.decode() and "not offered" in page.content.decode()
    settings.TEAMS_APP_ID, settings.TEAMS_APP_PASSWORD, settings.TEAMS_TENANT_ID = "a", "b", "c"
    settings.SLACK_BOT_TOKEN = ""
    page = client_for(participant).get("/settings/notifications/").content.decode()
    assert 'value="teams"' in page
    assert "Slack is not offered" in page

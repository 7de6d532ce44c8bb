"""Health that alerts: a match nobody answered is not "on track", a match without a first meeting
is at risk, and each at-risk episode reaches the coordinators exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.notify.models import OutboxMessage
from tandem.notify.outbox import render_email
from tandem.relationships import reminders
from tandem.relationships.models import MeetingStatus
from tests.factories import MeetingFactory, ProgramFactory, RelationshipFactory

pytestmark = pytest.mark.django_db


def test_a_match_waiting_for_answers_is_not_on_track(coordinator):
    program = ProgramFactory(status="active", coordinators=[coordinator])
    waiting = RelationshipFactory(program=program, status="proposed")
    respond_by = waiting.members.first().respond_by

    reminders.cadence_and_inactivity(timezone.now() + timedelta(days=1))
    waiting.refresh_from_db()
    assert waiting.health == "attention"
    assert waiting.health_reasons[0].startswith("Waiting for answers: 2 people have not accepted")

    late = timezone.now() + (respond_by - timezone.localdate()) + timedelta(days=2)
    counts = reminders.cadence_and_inactivity(late)
    waiting.refresh_from_db()
    assert waiting.health == "at_risk"
    assert "2 people have not answered the match" in waiting.health_reasons[0]
    assert counts["alerted"] == 0  # the answer-deadline job escalates unanswered matches
    assert not OutboxMessage.objects.filter(kind="at_risk_alert").exists()


def test_a_planned_first_meeting_keeps_a_new_match_off_the_risk_list(coordinator):
    program = ProgramFactory(status="active", coordinators=[coordinator])
    match = RelationshipFactory(program=program, activated_at=timezone.now() - timedelta(days=30))
    MeetingFactory(relationship=match, starts_at=timezone.now() + timedelta(days=2))
    reminders.cadence_and_inactivity(timezone.now())
    match.refresh_from_db()
    assert match.health == "on_track"


def test_each_at_risk_episode_alerts_once_per_coordinator(coordinator, admin):
    program = ProgramFactory(status="active", coordinators=[coordinator, admin])
    program.inactivity_alert_days = 0
    program.save()
    match = RelationshipFactory(program=program, activated_at=timezone.now() - timedelta(days=1))
    start = match.activated_at

    assert reminders.cadence_and_inactivity(start + timedelta(days=23))["alerted"] == 2
    for day in (24, 30, 50):
        assert reminders.cadence_and_inactivity(start + timedelta(days=day))["alerted"] == 0

    MeetingFactory(
        relationship=match, starts_at=start + timedelta(days=51), status=MeetingStatus.HELD
    )
    assert reminders.cadence_and_inactivity(start + timedelta(days=52))["alerted"] == 0
    match.refresh_from_db()
    assert match.health != "at_risk"
    # silent again for the program's warning period: a new episode, a new alert
    assert reminders.cadence_and_inactivity(start + timedelta(days=51 + 61))["alerted"] == 2
    assert OutboxMessage.objects.filter(kind="at_risk_alert").count() == 4


def test_plain_text_emails_are_not_html_escaped(coordinator):
    coordinator.name = "Zoë O'Neil & Co"
    match = RelationshipFactory(program=ProgramFactory(name="Tom's <peers>"))
    email = render_email(
        "at_risk_alert",
        templates="relationships/email",
        event_key="x",
        recipient=coordinator,
        context={
            "program": match.program,
            "reasons": ["It's quiet"],
            "names": ["A", "B"],
            "url": "https://x.test/?a=1&b=2",
        },
    )
    assert "Tom's <peers>" in email.subject and "&#x27;" not in email.subject
    assert "It's quiet" in email.body_text and "a=1&b=2" in email.body_text
    assert "&amp;" not in email.body_text and "&#x27;" not in email.body_text
    assert "Tom&#x27;s &lt;peers&gt;" in email.body_html  # HTML stays escaped

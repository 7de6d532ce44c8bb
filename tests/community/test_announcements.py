"""New sessions reach the people they are for, as each person asked: a weekly summary by
default, each one at once on request, nothing for those who turned it off; notification
preferences (category off, pause) still apply."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.community.jobs import session_summaries
from tandem.community.models import SessionNews
from tandem.community.services.rsvp import rsvp_join
from tandem.community.services.session_news import session_news_set
from tandem.community.services.sessions import SessionData, session_create
from tandem.core.errors import ApplicationError
from tandem.notify.models import NotificationPreference, OutboxMessage
from tests.conftest import client_for
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _plan(actor, program, title="Lunch-and-learn: feedback", days=5):
    data = SessionData(
        kind="lunch_learn", title=title, starts_at=timezone.now() + timedelta(days=days)
    )
    return session_create(actor=actor, program=program, data=data)[0]


def _messages(user, kind):
    return OutboxMessage.objects.filter(user=user, kind=kind)


def test_an_organisation_wide_session_reaches_everyone_in_the_weekly_summary(
    coordinator, program, members
):
    stranger = PersonFactory(user__email="far.away@example.com").user
    gone = PersonFactory(user__email="left@example.com", user__is_active=False).user
    session = _plan(coordinator, None, title="Open lunch-and-learn")
    # Nobody asked for each one: nothing at once.
    assert not OutboxMessage.objects.filter(kind="session_announced").exists()

    assert session_summaries(timezone.now()) >= 6
    summary = _messages(stranger, "session_summary").get()
    assert "Open lunch-and-learn" in summary.body_text and "/actions/" in summary.body_text
    assert _messages(members[0], "session_summary").exists()
    assert not _messages(gone, "session_summary").exists()
    assert not _messages(session.host, "session_summary").exists()  # the host planned it
    # A second run the same week sends nothing twice.
    session_summaries(timezone.now())
    assert _messages(stranger, "session_summary").count() == 1


def test_a_program_session_is_for_its_members_only(coordinator, program, members):
    outsider = PersonFactory(user__email="other@example.com").user
    session_news_set(actor=outsider, mode="each")
    session_news_set(actor=members[1], mode="each")
    _plan(coordinator, program, title="Cohort kickoff")
    assert _messages(members[1], "session_announced").count() == 1
    assert not _messages(members[0], "session_announced").exists()  # weekly by default
    session_summaries(timezone.now())
    assert "Cohort kickoff" in _messages(members[0], "session_summary").get().body_text
    assert not _messages(outsider, "session_announced").exists()
    assert not _messages(outsider, "session_summary").exists()
    assert not _messages(members[1], "session_summary").exists()  # already told


def test_people_who_turned_it_off_hear_nothing(coordinator, program, members):
    session_news_set(actor=members[2], mode="off")
    _plan(coordinator, None)
    _plan(coordinator, program)
    session_summaries(timezone.now())
    assert not OutboxMessage.objects.filter(user=members[2]).exists()
    assert _messages(members[3], "session_summary").exists()


def test_notification_preferences_still_apply(coordinator, program, members):
    NotificationPreference.objects.create(user=members[0], channels={"program_news": "off"})
    NotificationPreference.objects.create(user=members[1], low_priority="weekly")
    session_news_set(actor=members[0], mode="each")
    session_news_set(actor=members[1], mode="each")
    _plan(coordinator, program)
    assert _messages(members[0], "session_announced").get().status == "cancelled"
    assert _messages(members[1], "session_announced").get().status == "held"


def test_the_summary_leaves_out_sessions_already_answered_or_past(coordinator, program, members):
    answered = _plan(coordinator, program, title="Already answered")
    _plan(coordinator, program, title="Still open")
    rsvp_join(user=members[0], session_id=answered.pk)
    session_summaries(timezone.now())
    text = _messages(members[0], "session_summary").get().body_text
    assert "Still open" in text and "Already answered" not in text
    later = timezone.now() + timedelta(days=8)
    assert session_summaries(later) == 0


def test_a_bad_choice_is_refused_with_the_field(participant):
    with pytest.raises(ApplicationError) as refused:
        session_news_set(actor=participant, mode="hourly")
    assert refused.value.errors[0].field == "mode"


def test_the_sessions_page_saves_the_choice(participant):
    client = client_for(participant)
    page = client.get("/community/sessions/").content.decode()
    assert "A weekly summary of new sessions" in page
    response = client.post("/community/sessions/news/", {"mode": "each"})
    assert response.status_code == 302
    assert SessionNews.objects.get(user=participant).mode == "each"
    response = client.post("/community/sessions/news/", {"mode": "hourly"})
    assert SessionNews.objects.get(user=participant).mode == "each"

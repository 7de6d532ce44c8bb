from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.community.models import GroupSession
from tandem.community.services.rsvp import rsvp_join
from tandem.community.services.sessions import attendance_take
from tandem.insights.kpis.dashboards import dashboard
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _held(make_session, members):
    session = make_session(capacity=10)
    for user in members[:4]:
        rsvp_join(user=user, session_id=session.pk)
    after = session.ends_at + timedelta(minutes=5)
    attendance_take(
        actor=session.host,
        session_id=session.pk,
        present={members[0].pk, members[1].pk, members[2].pk},
        now=after,
    )
    # move it into the past so it counts as held
    shift = session.ends_at - timezone.now() + timedelta(hours=1)
    GroupSession.objects.filter(pk=session.pk).update(
        starts_at=session.starts_at - shift, ends_at=session.ends_at - shift
    )
    return session


def test_program_kpis_count_sessions_attendance_and_people_helped(make_session, members, program):
    _held(make_session, members)
    board = dashboard(program)
    assert board.kpi("sessions_held").display == "1"
    attendance = board.kpi("session_attendance")
    assert attendance.display == "75%" and "3 of 4" in attendance.detail
    assert board.kpi("people_helped").display == "3"


def test_the_hosts_profile_shows_sessions_led(make_session, members, coordinator):
    _held(make_session, members)
    page = client_for(coordinator).get(reverse("people:me")).content.decode()
    assert "Group sessions led" in page
    assert (
        'id="recognition"' not in client_for(members[0]).get(reverse("people:me")).content.decode()
    )


def test_reports_and_short_sessions_reach_the_coordinators_desk(
    make_session, members, coordinator, program
):
    from tandem.community.services.discussion import post_report, thread_create
    from tandem.insights.desk import coordinator_desk

    thread = thread_create(actor=members[0], program_id=program.pk, title="Hi", body="Hello")
    post_report(actor=members[1], post_id=thread.posts.get().pk, reason="Off topic")
    session = make_session(capacity=10, min_attendees=5, title="Retro skill-share")
    GroupSession.objects.filter(pk=session.pk).update(
        min_deadline=timezone.now() - timedelta(hours=1)
    )
    (desk,) = [d for d in coordinator_desk(coordinator) if d.program == program]
    lines = {i.text: (i.url, i.level) for i in desk.items}
    assert lines["1 reported post in the discussion"] == (
        reverse("community:reports", args=[program.pk]),
        "urgent",
    )
    assert any("Retro skill-share" in text for text in lines)

"""A program's pages lead to its discussion and sessions, and its enrolment page says which
trainings it asks for before matching (both supplied through ``programs.extensions``)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.community.services.discussion import thread_create
from tandem.community.services.sessions import SessionData, session_create
from tandem.learning.services.trainings import (
    requirement_add,
    training_acknowledge,
    training_save,
)
from tests.conftest import client_for
from tests.factories import EnrolmentFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def test_program_pages_link_to_the_discussion_and_sessions(coordinator, participant):
    program = ProgramFactory(coordinators=[coordinator], status="active", name="Peers")
    join = reverse("programs:join", args=[program.pk])
    discussion = reverse("community:discussion", args=[program.pk])
    page = client_for(participant).get(join).content.decode()
    assert discussion not in page  # not a member: nothing to open
    EnrolmentFactory(program=program, person=participant.person)
    thread_create(actor=coordinator, program_id=program.pk, title="Hello", body="Hi")
    start = timezone.now() + timedelta(days=2)
    session_create(
        actor=coordinator,
        program=program,
        data=SessionData(kind="kickoff", title="Kickoff", starts_at=start),
        announce=False,
    )
    page = client_for(participant).get(join).content.decode()
    assert discussion in page and "1 thread" in page
    assert f"/community/sessions/?program={program.pk}" in page and "1 session coming up" in page
    detail = client_for(coordinator).get(reverse("programs:detail", args=[program.pk]))
    assert discussion in detail.content.decode()
    listed = client_for(participant).get(f"/community/sessions/?program={program.pk}")
    assert "Group sessions: Peers" in listed.content.decode()
    other = ProgramFactory(status="active", name="Elsewhere")
    assert (
        client_for(participant).get(f"/community/sessions/?program={other.pk}").status_code == 404
    )


def test_the_enrolment_page_names_the_trainings_asked_for_before_matching(
    admin, coordinator, participant
):
    program = ProgramFactory(coordinators=[coordinator], status="enrolling", name="Peers")
    agreement = training_save(
        actor=admin, program=None, kind="agreement", title="Code of conduct", body="Be kind"
    )
    pledge = training_save(
        actor=coordinator, program=program, kind="agreement", title="Mentor pledge", body="Yes"
    )
    requirement_add(actor=coordinator, program=program, training=agreement)
    requirement_add(actor=coordinator, program=program, training=pledge, role="mentor")
    join = reverse("programs:join", args=[program.pk])
    page = client_for(participant).get(join).content.decode()
    assert "This program asks you to complete these before you can be matched" in page
    assert reverse("learning:training", args=[agreement.pk]) in page
    assert "Code of conduct" in page
    # The program's own pledge is named (for mentors) but opens only once enrolled.
    assert "Mentor pledge" in page and "mentors and buddies only" in page
    assert reverse("learning:training", args=[pledge.pk]) not in page
    training_acknowledge(actor=participant, training=agreement)
    training_acknowledge(actor=admin, training=pledge)  # someone else: changes nothing here
    page = client_for(participant).get(join).content.decode()
    assert "you have done them all" not in page
    EnrolmentFactory(program=program, person=participant.person)
    training_acknowledge(actor=participant, training=pledge)
    page = client_for(participant).get(join).content.decode()
    assert "you have done them all" in page


def test_home_lists_the_sessions_i_am_going_to_or_waiting_for(coordinator, participant):
    from tandem.community.services.rsvp import rsvp_join

    program = ProgramFactory(coordinators=[coordinator], status="active", name="Peers")
    EnrolmentFactory(program=program, person=participant.person)
    start = timezone.now() + timedelta(days=2)
    (session,) = session_create(
        actor=coordinator,
        program=program,
        data=SessionData(kind="kickoff", title="Spring kickoff", starts_at=start, capacity=1),
        announce=False,
    )
    assert "Your group sessions" not in client_for(participant).get("/").content.decode()
    rsvp_join(user=participant, session_id=session.pk)
    home = client_for(participant).get("/").content.decode()
    assert "Your group sessions" in home and "Spring kickoff" in home

"""Trainings and agreements before matching: writing a module, taking it (fail, then pass),
acknowledging an agreement, and how requirements keep people out of the matching pool until
they are done — in the pool, the runs, the home page, the desk, the reminders and the KPIs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.core.errors import ApplicationError
from tandem.insights.desk import coordinator_desk
from tandem.insights.kpis import dashboard
from tandem.learning import selectors
from tandem.learning.models import Completion, Requirement, Training
from tandem.learning.services.reminders import send_training_reminders
from tandem.learning.services.trainings import (
    parse_questions,
    requirement_add,
    training_acknowledge,
    training_save,
    training_submit,
)
from tandem.matches import selectors as matches
from tandem.matches.services.runs import run_create
from tandem.notify.models import NotificationPreference, OutboxMessage
from tandem.programs.models import EnrolmentRole
from tests.conftest import client_for
from tests.factories import EnrolmentFactory, ProgramFactory, enrolled_program

QUESTIONS = """\
Who gives and who receives?
* Both of us
- Only the mentor

Is what we say confidential?
* Yes, unless someone is at risk
- No
"""


@pytest.fixture
def module(coordinator):
    program = ProgramFactory(coordinators=[coordinator], status="matching", name="Peers")
    return training_save(
        actor=coordinator,
        program=program,
        kind="module",
        title="Basics",
        body="## Both hats\nTake turns.",
        pass_mark=100,
        questions=QUESTIONS,
    )


def test_questions_are_read_from_plain_text_and_problems_name_their_line():
    parsed = parse_questions(QUESTIONS)
    assert [(q.text, q.correct) for q in parsed] == [
        ("Who gives and who receives?", 0),
        ("Is what we say confidential?", 0),
    ]
    with pytest.raises(ApplicationError) as refused:
        parse_questions("Question one?\n- a\n- b\n\nQuestion two?\n* a\nb")
    messages = [e.message for e in refused.value.errors]
    assert messages == [
        "Line 1: give at least two answers and mark exactly one with *.",
        "Line 7: start an answer with * (right) or - (wrong).",
    ]


def test_a_module_needs_questions_and_a_safe_video_link(coordinator, module):
    with pytest.raises(ApplicationError) as refused:
        training_save(actor=coordinator, program=module.program, kind="module", title="T", body="B")
    assert refused.value.errors[0].field == "questions"
    with pytest.raises(ApplicationError) as refused:
        training_save(
            actor=coordinator,
            program=module.program,
            kind="agreement",
            title="T",
            body="B",
            video_url="javascript:alert(1)",
        )
    assert refused.value.errors[0].field == "video_url"


def test_failing_then_passing_completes_the_module(participant, module):
    EnrolmentFactory(program=module.program, person=participant.person)
    first = training_submit(actor=participant, training=module, answers=[0, 1])
    assert (first.passed, first.score, first.wrong) == (False, 50, [1])
    completion = Completion.objects.get()
    assert completion.attempts == 1 and completion.completed_at is None
    second = training_submit(actor=participant, training=module, answers=[0, 0])
    assert second.passed
    completion.refresh_from_db()
    assert completion.attempts == 2 and completion.completed_at is not None
    with pytest.raises(ApplicationError):
        training_submit(actor=participant, training=module, answers=[0])
    with pytest.raises(ApplicationError):
        training_acknowledge(actor=participant, training=module)


def test_the_training_page_shows_a_failed_attempt_and_then_the_pass(participant, module):
    EnrolmentFactory(program=module.program, person=participant.person)
    client = client_for(participant)
    url = reverse("learning:training", args=[module.pk])
    page = client.get(url).content.decode()
    assert "<h2>Both hats</h2>" in page
    failed = client.post(url, {"q0": "0", "q1": "1"})
    assert failed.status_code == 200 and "You scored 50%" in failed.content.decode()
    missing = client.post(url, {"q0": "0"})
    assert "Choose an answer." in missing.content.decode()
    passed = client.post(url, {"q0": "0", "q1": "0"})
    assert passed.status_code == 302


def test_requirements_keep_people_out_of_the_pool_until_they_finish(coordinator):
    program = enrolled_program(6, coordinators=[coordinator], status="matching", kind="peer_pairs")
    agreement = training_save(
        actor=coordinator,
        program=program,
        kind="agreement",
        title="Code of conduct",
        body="Be kind",
    )
    requirement_add(actor=coordinator, program=program, training=agreement)
    assert matches.pool(program) == []
    assert len(selectors.waiting_list(program)) == 6
    with pytest.raises(ApplicationError, match="fewer than two"):
        run_create(actor=coordinator, program=program)
    people = [e.person for e in program.enrolments.select_related("person__user")[:3]]
    for person in people:
        training_acknowledge(actor=person.user, training=agreement)
    assert {e.person for e in matches.pool(program)} == set(people)
    run = run_create(actor=coordinator, program=program)
    assert run.participants == 3
    page = client_for(coordinator).get(reverse("matches:program", args=[program.pk]))
    assert "waiting on a training (3)" in page.content.decode()


def test_a_requirement_for_mentors_only(coordinator):
    program = enrolled_program(
        6, coordinators=[coordinator], status="matching", kind="mentor_mentee"
    )
    agreement = training_save(
        actor=coordinator, program=program, kind="agreement", title="Mentor pledge", body="Yes"
    )
    requirement_add(actor=coordinator, program=program, training=agreement, role="mentor")
    waiting = selectors.waiting_on(program)
    roles = set(program.enrolments.filter(person_id__in=waiting).values_list("role", flat=True))
    assert roles == {EnrolmentRole.MENTOR} and len(waiting) == 2


def test_the_participant_home_and_the_coordinators_desk_say_who_waits_on_what(
    coordinator, participant, module
):
    program = module.program
    Requirement.objects.create(program=program, training=module)
    EnrolmentFactory(program=program, person=participant.person)
    home = client_for(participant).get("/").content.decode()
    assert "Finish “Basics” to enter matching." in home
    assert reverse("learning:training", args=[module.pk]) in home
    (desk,) = coordinator_desk(coordinator)
    assert any("1 person is waiting on a training" in item.text for item in desk.items)
    listing = client_for(coordinator).get(reverse("learning:requirements", args=[program.pk]))
    assert participant.name in listing.content.decode()
    training_submit(actor=participant, training=module, answers=[0, 0])
    home = client_for(participant).get("/").content.decode()
    assert "Finish “Basics”" not in home
    (desk,) = coordinator_desk(coordinator)
    assert not any("waiting on a training" in item.text for item in desk.items)


def test_reminders_go_weekly_through_the_channel_layer_and_respect_preferences(coordinator, module):
    program = module.program
    Requirement.objects.create(program=program, training=module)
    now = timezone.now()
    early = EnrolmentFactory(program=program, created_at=now - timedelta(days=5))
    EnrolmentFactory(program=program, created_at=now - timedelta(hours=3))  # too soon
    muted = EnrolmentFactory(program=program, created_at=now - timedelta(days=5))
    NotificationPreference.objects.create(user=muted.person.user, channels={"program_news": "off"})
    send_training_reminders(now)
    send_training_reminders(now + timedelta(hours=6))  # the same week: not again
    sent = OutboxMessage.objects.filter(kind="training_reminder")
    assert sent.count() == 2
    mail = sent.get(user_id=early.person.user_id)
    assert mail.category == "program_news" and mail.status == "pending"
    assert "Basics" in mail.subject and "/learning/training/" in mail.body_text
    assert sent.get(user_id=muted.person.user_id).status == "cancelled"


def test_training_kpis_count_completion_and_hide_a_median_under_five(coordinator):
    program = enrolled_program(8, coordinators=[coordinator], status="matching")
    agreement = Training.objects.create(
        program=program, kind="agreement", title="Pledge", body="Yes"
    )
    requirement = Requirement.objects.create(program=program, training=agreement)
    Requirement.objects.filter(pk=requirement.pk).update(
        created_at=timezone.now() - timedelta(days=30)
    )
    enrolments = list(program.enrolments.all())
    for days, enrolment in zip((1, 2, 3, 4), enrolments, strict=False):
        Completion.objects.create(
            training=agreement,
            person=enrolment.person,
            completed_at=enrolment.created_at + timedelta(days=days),
        )
    board = dashboard(program)
    rate = board.kpi("training_completion")
    assert rate.value == 0.5 and rate.detail == "4 of 8 people"
    assert board.kpi("training_time").value is None
    Completion.objects.create(
        training=agreement,
        person=enrolments[4].person,
        completed_at=enrolments[4].created_at + timedelta(days=5),
    )
    assert dashboard(program).kpi("training_time").value == pytest.approx(3, abs=0.01)
    assert dashboard(program).kpi("library_use").value == 0


def test_a_person_without_the_program_cannot_open_its_training(outsider, module):
    response = client_for(outsider).get(reverse("learning:training", args=[module.pk]))
    assert response.status_code == 404

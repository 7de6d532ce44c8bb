"""Templates, answering once, the schedule (open, invite, remind, close, next wave)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tandem.core.errors import ApplicationError, NotFound
from tandem.core.periodic import run_due_jobs
from tandem.feedback import selectors
from tandem.feedback.models import (
    Hat,
    Measure,
    Participation,
    QuestionKind,
    Response,
    ResponseAnswer,
    Survey,
)
from tandem.feedback.sealing import unseal
from tandem.feedback.services.answers import response_submit
from tandem.feedback.services.schedule import run_schedule, send_reminders
from tandem.feedback.services.stages import survey_transition
from tandem.feedback.services.surveys import survey_from_template, survey_update
from tandem.notify.models import OutboxMessage
from tandem.programs.models import Answer
from tests.feedback.conftest import answers_for, invited_people, open_survey, started_program

# --- templates ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["kickoff_pulse", "checkin", "midpoint", "end_of_program"])
def test_templates_ship_worded_questions_for_the_program(program, coordinator, kind):
    survey = survey_from_template(actor=coordinator, program=program, kind=kind)
    questions = list(survey.questions.all())
    assert survey.status == "draft" and survey.anonymous
    assert (survey.k_scores, survey.k_comments) == (5, 10)
    assert len(questions) >= 6
    assert {Hat.MENTOR, Hat.MENTEE} <= {q.hat for q in questions}
    assert any(q.kind == QuestionKind.TEXT and not q.required for q in questions)
    assert not any("{partner}" in q.text for q in questions)
    assert survey.day_offset is not None


def test_end_of_program_asks_nps_culture_and_before_after_per_wanted_skill(program, coordinator):
    survey = survey_from_template(actor=coordinator, program=program, kind="end_of_program")
    measures = [q.measure for q in survey.questions.all()]
    assert {Measure.PROGRAM_NPS, Measure.PARTNER_RECOMMEND} <= set(measures)
    assert measures.count(Measure.CULTURE) == 4
    wanted = {
        v for value in Answer.objects.filter(question__key="skills_wanted") for v in value.value
    }
    before = survey.questions.filter(measure=Measure.SKILL_BEFORE)
    after = survey.questions.filter(measure=Measure.SKILL_AFTER)
    assert {q.skill_id for q in before} == {q.skill_id for q in after} == wanted
    # each person is asked only about the skill they wanted to grow
    person = program.enrolments.first().person
    mine = selectors.wanted_skills(program, person)
    asked = {q.skill_id for q in selectors.questions_for(survey, person) if q.skill_id}
    assert asked == mine and len(mine) == 1


def test_hat_questions_follow_the_role_in_mentor_mentee_programs(coordinator):
    program = started_program(coordinator, 6, kind="mentor_mentee")
    survey = survey_from_template(actor=coordinator, program=program, kind="checkin")
    hats = {}
    for enrolment in program.enrolments.select_related("person"):
        asked = {q.hat for q in selectors.questions_for(survey, enrolment.person)}
        hats[enrolment.role] = asked
    assert hats["mentor"] == {Hat.BOTH, Hat.MENTOR}
    assert hats["mentee"] == {Hat.BOTH, Hat.MENTEE}


def test_unknown_template_is_refused(program, coordinator):
    with pytest.raises(ApplicationError, match="Choose one of the survey templates"):
        survey_from_template(actor=coordinator, program=program, kind="nope")


# --- answering ---------------------------------------------------------------------------------


def test_one_submission_per_person(program, coordinator):
    survey = open_survey(coordinator, program)
    person = invited_people(survey)[0]
    response_submit(actor=person.user, survey=survey, answers=answers_for(survey, person))
    with pytest.raises(ApplicationError, match="already answered") as caught:
        response_submit(actor=person.user, survey=survey, answers=answers_for(survey, person))
    assert caught.value.status == 409
    assert Response.objects.filter(survey=survey).count() == 1


def test_a_lost_race_is_refused_by_the_participation_row(program, coordinator, monkeypatch):
    """Two submissions that both passed the first check: the conditional UPDATE lets one in."""
    survey = open_survey(coordinator, program)
    person = invited_people(survey)[0]
    answers = answers_for(survey, person)
    original = selectors.questions_for

    def meanwhile(*args, **kwargs):
        Participation.objects.filter(survey=survey, person=person).update(
            responded_on=timezone.localdate()
        )
        return original(*args, **kwargs)

    monkeypatch.setattr(selectors, "questions_for", meanwhile)
    with pytest.raises(ApplicationError, match="already answered"):
        response_submit(actor=person.user, survey=survey, answers=answers)
    assert not Response.objects.exists()


def test_a_rolled_back_submission_leaves_no_participation_mark(program, coordinator, monkeypatch):
    survey = open_survey(coordinator, program)
    person = invited_people(survey)[0]

    def fail(*args, **kwargs):
        raise IntegrityError("disk full")

    monkeypatch.setattr(ResponseAnswer.objects, "bulk_create", fail)
    with pytest.raises(IntegrityError):
        response_submit(actor=person.user, survey=survey, answers=answers_for(survey, person))
    assert Participation.objects.get(survey=survey, person=person).responded_on is None
    assert not Response.objects.exists()


def test_answers_are_checked_and_every_problem_reported(program, coordinator):
    survey = open_survey(coordinator, program)
    person = invited_people(survey)[0]
    questions = {q.kind: q for q in selectors.questions_for(survey, person)}
    likert, single = questions[QuestionKind.LIKERT], questions[QuestionKind.SINGLE]
    with pytest.raises(ApplicationError) as caught:
        response_submit(
            actor=person.user, survey=survey, answers={likert.pk: 6, single.pk: "Daily"}
        )
    messages = {e.field: e.message for e in caught.value.errors}
    assert messages[f"q{likert.pk}"] == "Choose a whole number from 1 to 5."
    assert messages[f"q{single.pk}"] == "Choose one of the options."
    assert "Please answer this question." in messages.values()
    assert not Response.objects.exists()


def test_only_invited_people_answer_and_only_while_open(program, coordinator, outsider):
    survey = open_survey(coordinator, program)
    with pytest.raises(NotFound):
        response_submit(actor=outsider, survey=survey, answers={})
    survey_transition(actor=coordinator, survey=survey, to="closed")
    person = invited_people(survey)[0]
    with pytest.raises(ApplicationError, match="closed"):
        response_submit(actor=person.user, survey=survey, answers=answers_for(survey, person))


def test_groups_are_sealed_while_open_and_only_when_breakdowns_are_on(program, coordinator):
    survey = open_survey(coordinator, program)
    person = invited_people(survey)[0]
    response_submit(actor=person.user, survey=survey, answers=answers_for(survey, person))
    response = Response.objects.get()
    assert (response.department, response.level_band, response.role) == ("", "", "")
    assert person.department.name not in response.sealed_groups
    department, band, role = unseal(response.sealed_groups)
    assert (department, role) == (person.department.name, "peer")
    assert band in ("1-2", "3-4", "5-6", "7-8")
    survey_transition(actor=coordinator, survey=survey, to="closed")
    response.refresh_from_db()  # one response, fewer than k: it keeps no group at all
    assert (response.department, response.level_band, response.role) == ("", "", "")
    assert response.sealed_groups == ""

    plain = open_survey(coordinator, program, breakdowns=False)
    response_submit(actor=person.user, survey=plain, answers=answers_for(plain, person))
    bare = Response.objects.get(survey=plain)
    assert (bare.department, bare.level_band, bare.role) == ("", "", "")


# --- opening -----------------------------------------------------------------------------------


def test_opening_invites_everyone_in_a_started_match_through_the_outbox(program, coordinator):
    survey = open_survey(coordinator, program)
    assert survey.status == "open" and survey.closes_at == survey.opens_at + timedelta(days=14)
    assert survey.participations.count() == 12
    emails = OutboxMessage.objects.filter(kind="survey_invitation")
    assert emails.count() == 12
    body = emails.first().body_text
    assert f"/feedback/{survey.pk}/" in body
    assert "stored without your name" in body


def test_nobody_to_ask_before_a_match_started(coordinator):
    from tests.matches.conftest import matching_program

    program = matching_program(coordinator, 4)
    survey = survey_from_template(actor=coordinator, program=program, kind="checkin")
    with pytest.raises(ApplicationError, match="Nobody to ask yet"):
        survey_transition(actor=coordinator, survey=survey, to="open")
    assert Survey.objects.get(pk=survey.pk).status == "draft"


# --- the periodic job --------------------------------------------------------------------------


def _schedule(coordinator, program, kind="kickoff_pulse", **settings):
    survey = survey_from_template(actor=coordinator, program=program, kind=kind)
    if settings:
        survey_update(actor=coordinator, survey=survey, **settings)
    return survey_transition(actor=coordinator, survey=survey, to="scheduled")


def test_the_job_opens_due_surveys_once(program, coordinator):
    due = _schedule(coordinator, program, day_offset=14)  # the program started 20 days ago
    later = _schedule(coordinator, program, "midpoint")  # day 90
    now = timezone.now()

    first = run_schedule(now=now)
    second = run_schedule(now=now)

    assert (first["opened"], second["opened"]) == (1, 0)
    assert Survey.objects.get(pk=due.pk).status == "open"
    assert Survey.objects.get(pk=later.pk).status == "scheduled"
    assert OutboxMessage.objects.filter(kind="survey_invitation").count() == 12


def test_a_scheduled_survey_waits_for_the_first_match(coordinator):
    from tests.matches.conftest import matching_program

    program = matching_program(coordinator, 4)
    survey = _schedule(coordinator, program, day_offset=0)
    assert selectors.due_on(survey) is None
    assert run_schedule(now=timezone.now())["opened"] == 0


def test_anonymous_survey_reminders_go_to_everyone_invited_and_never_twice(program, coordinator):
    """Reminding only those who have not answered would name every respondent (by the outbox
    list, by who did not get one), so an anonymous survey reminds everyone it invited."""
    survey = open_survey(coordinator, program, reminder_days=[3, 8])
    people = invited_people(survey)
    for person in people[:5]:
        response_submit(actor=person.user, survey=survey, answers=answers_for(survey, person))
    opened = survey.opens_at
    assert run_schedule(now=opened + timedelta(days=3))["reminded"] == 12
    assert run_schedule(now=opened + timedelta(days=3, hours=1))["reminded"] == 0
    reminders = OutboxMessage.objects.filter(kind="survey_reminder")
    assert set(reminders.values_list("recipient", flat=True)) == {p.user.email for p in people}
    assert len({(m.subject, m.body_text.split(",", 1)[1]) for m in reminders}) == 1  # alike
    assert "says nothing about who has answered" in reminders.first().body_text
    assert run_schedule(now=opened + timedelta(days=9))["reminded"] == 12
    assert OutboxMessage.objects.filter(kind="survey_reminder").count() == 24


def test_reminders_go_only_to_people_who_have_not_answered_and_never_twice(program, coordinator):
    survey = open_survey(coordinator, program, reminder_days=[3, 8], anonymous=False)
    people = invited_people(survey)
    answered = people[:5]
    for person in answered:
        response_submit(actor=person.user, survey=survey, answers=answers_for(survey, person))
    opened = survey.opens_at

    assert run_schedule(now=opened + timedelta(days=1))["reminded"] == 0
    assert run_schedule(now=opened + timedelta(days=3))["reminded"] == 7
    assert run_schedule(now=opened + timedelta(days=3, hours=1))["reminded"] == 0
    reminded = set(
        OutboxMessage.objects.filter(kind="survey_reminder").values_list("recipient", flat=True)
    )
    assert reminded == {p.user.email for p in people[5:]}

    response_submit(actor=people[5].user, survey=survey, answers=answers_for(survey, people[5]))
    assert run_schedule(now=opened + timedelta(days=9))["reminded"] == 6
    assert run_schedule(now=opened + timedelta(days=10))["reminded"] == 0
    assert OutboxMessage.objects.filter(kind="survey_reminder").count() == 7 + 6
    assert Participation.objects.filter(reminders_sent=2).count() == 6


def test_a_late_job_sends_one_reminder_not_a_burst(program, coordinator):
    survey = open_survey(coordinator, program, reminder_days=[3, 8])
    assert (
        send_reminders(survey=survey, today=timezone.localdate(survey.opens_at + timedelta(days=9)))
        == 12
    )
    assert OutboxMessage.objects.filter(kind="survey_reminder").count() == 12


def test_people_matched_after_opening_are_invited_but_not_reminded_at_once(program, coordinator):
    from tandem.relationships.models import Membership, Relationship
    from tests.factories import PersonFactory

    survey = open_survey(coordinator, program, reminder_days=[2])
    newcomer = PersonFactory(user__email="late@example.com")
    relationship = Relationship.objects.create(
        program=program, status="active", activated_at=timezone.now()
    )
    Membership.objects.create(relationship=relationship, person=newcomer)
    result = run_schedule(now=survey.opens_at + timedelta(days=2))
    assert result["invited"] == 1
    assert result["reminded"] == 12
    assert survey.participations.get(person=newcomer).reminders_sent == 1


def test_surveys_close_at_their_closing_time_and_the_job_is_registered(program, coordinator):
    survey = open_survey(coordinator, program)
    assert run_schedule(now=survey.closes_at - timedelta(minutes=1))["closed"] == 0
    outcomes = run_due_jobs(now=survey.closes_at, only=["feedback.surveys"])
    assert [o.ok for o in outcomes] == [True]
    assert Survey.objects.get(pk=survey.pk).status == "closed"
    assert run_schedule(now=survey.closes_at)["closed"] == 0


def test_a_recurring_check_in_schedules_its_next_wave_until_the_planned_end(program, coordinator):
    survey = _schedule(coordinator, program, "checkin", day_offset=20, repeat_every_days=60)
    run_schedule(now=timezone.now())  # the program started 20 days ago: wave 1 opens
    run_schedule(now=timezone.now())
    wave2 = Survey.objects.get(series=survey.series, wave=2)
    assert (wave2.status, wave2.day_offset) == ("scheduled", 80)
    assert wave2.questions.count() == survey.questions.count()
    assert Survey.objects.filter(series=survey.series).count() == 2

    survey_transition(actor=coordinator, survey=wave2, to="open")
    wave3 = Survey.objects.get(series=survey.series, wave=3)
    start = selectors.program_start(program)
    assert selectors.due_on(wave3, start=start) == start + timedelta(days=140)
    survey_transition(actor=coordinator, survey=wave3, to="open")
    assert not Survey.objects.filter(series=survey.series, wave=4).exists()  # day 200 > 6 months


def test_response_rate_counts_people(program, coordinator):
    survey = open_survey(coordinator, program)
    for person in invited_people(survey)[:3]:
        response_submit(actor=person.user, survey=survey, answers=answers_for(survey, person))
    rate = selectors.response_rate(survey)
    assert (rate.invited, rate.responded, rate.percent) == (12, 3, 25)
    assert not hasattr(rate, "by_day")  # no count per day


def test_the_database_refuses_a_threshold_below_the_floor(program, coordinator):
    survey = survey_from_template(actor=coordinator, program=program, kind="checkin")
    with pytest.raises(IntegrityError), transaction.atomic():
        Survey.objects.filter(pk=survey.pk).update(k_scores=2)


def test_the_survey_list_counts_people_not_people_times_questions(program, coordinator):
    survey = open_survey(coordinator, program)
    for person in invited_people(survey)[:7]:
        response_submit(actor=person.user, survey=survey, answers=answers_for(survey, person))
    listed = next(s for s in selectors.program_surveys(program) if s.pk == survey.pk)
    assert (listed.invited, listed.responded, listed.question_count) == (12, 7, 7)

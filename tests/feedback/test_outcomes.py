"""``program_outcomes``: what KPI dashboards read, with each survey's own threshold."""

from __future__ import annotations

import pytest

from tandem.audit.models import AuditEntry
from tandem.core.errors import NotFound
from tandem.feedback import selectors
from tandem.feedback.services.answers import response_submit
from tandem.feedback.services.stages import survey_transition
from tests.feedback.conftest import answers_for, invited_people, open_survey


def test_outcomes_per_wave_with_nps_culture_and_skill_growth(program, coordinator):
    checkin = open_survey(coordinator, program, "checkin")
    final = open_survey(coordinator, program, "end_of_program")
    for i, person in enumerate(invited_people(final)):
        answers = answers_for(final, person, score=3 + i % 3)  # NPS 6, 8 or 10
        skill_questions = [q for q in selectors.questions_for(final, person) if q.skill_id]
        for question in skill_questions:  # before 2, now 4
            answers[question.pk] = 2 if question.measure == "skill_before" else 4
        response_submit(actor=person.user, survey=final, answers=answers)
    # two batches of five were released while open; the last two answers came after the last
    # batch and are never shown (the closed results would differ from the open ones by two)
    survey_transition(actor=coordinator, survey=final, to="closed")

    outcomes = selectors.program_outcomes(user=coordinator, program_id=program.pk)

    assert [o.survey.pk for o in outcomes] == [checkin.pk, final.pk]
    assert not outcomes[0].measure("satisfaction").view.total.shown  # nobody answered yet
    last = outcomes[1]
    assert last.rate.responded == 12
    nps = last.measure("program_nps")
    assert (nps.scale, nps.view.total.n, nps.nps) == ("nps", 10, -10)  # 3 promoters, 4 detractors
    assert last.measure("culture").view.total.mean == pytest.approx(3.9)
    growth = last.measure("skill_growth")
    assert (growth.scale, growth.view.total.n, growth.view.total.mean) == ("growth", 10, 2.0)
    assert AuditEntry.objects.filter(action="survey.outcomes_viewed").count() == 1

    by_department = selectors.program_outcomes(
        user=coordinator, program_id=program.pk, breakdown="department"
    )
    assert [o.survey.pk for o in by_department] == [final.pk]  # the open one: not yet
    groups = by_department[0].measure("satisfaction").view.groups
    # departments of 2 or 3 people were combined at close: no stored group is below 5
    assert groups and all(g.n is None or g.n >= 5 for g in groups)

    results = selectors.survey_results(user=coordinator, survey_id=final.pk)
    assert results.skills and not any(s.growth.total.shown for s in results.skills)  # 2 each


def test_outcomes_are_for_the_programs_coordinators_only(program, participant):
    with pytest.raises(NotFound):
        selectors.program_outcomes(user=participant, program_id=program.pk)


def test_the_dashboard_panel_shows_only_what_is_shown_on_the_results_page(program, coordinator):
    assert not selectors.program_survey_kpis(program)  # no survey yet: no panel
    survey = open_survey(coordinator, program, "end_of_program")
    people = invited_people(survey)
    for person in people[:4]:
        response_submit(actor=person.user, survey=survey, answers=answers_for(survey, person))
    panel = selectors.program_survey_kpis(program)
    assert panel.lines() == [
        (f"Answered the latest survey ({survey}, 4 of 12 people)", "33%")
    ]  # four answers: every measure is hidden, so none is listed

    for person in people[4:]:
        response_submit(
            actor=person.user, survey=survey, answers=answers_for(survey, person, score=5)
        )
    survey_transition(actor=coordinator, survey=survey, to="closed")  # the last two stay out
    lines = dict(
        (label.split(" (")[0], value)
        for label, value in selectors.program_survey_kpis(program).lines()
    )
    assert lines["Would recommend the program"] == "+60"  # of the ten released: 6 give 10, 4 give 8
    assert lines["Satisfaction, mean of 1-5"] == "4.6"
    assert lines["Answered the latest survey"] == "100%"

"""Thresholds: site-wide floors of 5 (scores) and 10 (comments) that a survey may raise and never
lower, fixed once a survey opens, applied to scores, breakdowns and comments."""

from __future__ import annotations

import pytest

from tandem.core.errors import ApplicationError
from tandem.feedback import selectors
from tandem.feedback.models import QuestionKind, Response, Survey
from tandem.feedback.services.answers import response_submit
from tandem.feedback.services.questions import question_save
from tandem.feedback.services.stages import survey_transition
from tandem.feedback.services.surveys import survey_from_template, survey_update
from tests.feedback.conftest import answers_for, invited_people, open_survey


def _draft(coordinator, program, kind="checkin"):
    return survey_from_template(actor=coordinator, program=program, kind=kind)


def test_the_site_floors_are_five_and_ten_with_a_clear_message(program, coordinator):
    survey = _draft(coordinator, program)
    with pytest.raises(ApplicationError) as caught:
        survey_update(actor=coordinator, survey=survey, k_scores=3)
    assert caught.value.errors[0].field == "k_scores"
    assert "at least 5 responses (got 3)" in caught.value.errors[0].message
    assert "never lower it" in caught.value.errors[0].message
    with pytest.raises(ApplicationError) as caught:
        survey_update(actor=coordinator, survey=survey, k_comments=9)
    assert "at least 10 responses (got 9)" in caught.value.errors[0].message
    survey_update(actor=coordinator, survey=survey, k_scores=7, k_comments=12)
    saved = Survey.objects.get(pk=survey.pk)
    assert (saved.k_scores, saved.k_comments) == (7, 12)


def test_a_site_may_raise_its_floors_and_surveys_follow(program, coordinator, settings):
    settings.TANDEM_MIN_K_SCORES = 8
    survey = _draft(coordinator, program)
    with pytest.raises(ApplicationError) as caught:
        survey_update(actor=coordinator, survey=survey, k_scores=5)
    assert "at least 8 responses (got 5)" in caught.value.errors[0].message
    survey_update(actor=coordinator, survey=survey, k_scores=8)


def test_comments_never_need_fewer_people_than_scores(program, coordinator):
    survey = _draft(coordinator, program)
    with pytest.raises(ApplicationError) as caught:
        survey_update(actor=coordinator, survey=survey, k_scores=8, k_comments=6)
    assert caught.value.errors[0].field == "k_comments"


@pytest.mark.parametrize(
    ("field", "value"),
    [("k_scores", 6), ("k_comments", 12), ("anonymous", False), ("breakdowns", False)],
)
def test_anonymity_settings_are_frozen_once_open(program, coordinator, field, value):
    survey = open_survey(coordinator, program)
    with pytest.raises(ApplicationError) as caught:
        survey_update(actor=coordinator, survey=survey, **{field: value})
    assert "fixed once a survey opens" in caught.value.message
    assert [e.field for e in caught.value.errors] == [field]
    assert getattr(Survey.objects.get(pk=survey.pk), field) != value


def test_while_open_only_wording_and_reminders_change_and_closed_is_final(program, coordinator):
    survey = open_survey(coordinator, program)
    survey_update(actor=coordinator, survey=survey, title="June check-in", k_scores=5)
    with pytest.raises(ApplicationError, match="only its title"):
        survey_update(actor=coordinator, survey=survey, open_days=30)
    question = survey.questions.first()
    with pytest.raises(ApplicationError, match="Questions are fixed"):
        question_save(actor=coordinator, survey=survey, question=question, text="New?")
    survey_transition(actor=coordinator, survey=survey, to="closed")
    with pytest.raises(ApplicationError, match="closed survey"):
        survey_update(actor=coordinator, survey=survey, title="Again")


def _answer_all(survey, people, text=""):
    for i, person in enumerate(people):
        answers = answers_for(survey, person, score=1 + i % 5, text=text and f"{text} {i}")
        response_submit(actor=person.user, survey=survey, answers=answers)


def test_results_hide_groups_below_k_scores(program, coordinator):
    """Departments hold 2 or 3 people each: with k = 5 no department is shown by name (they are
    combined at close), and no group of fewer than 5 shows a figure."""
    survey = open_survey(coordinator, program)
    people = invited_people(survey)
    _answer_all(survey, people)
    survey_transition(actor=coordinator, survey=survey, to="closed")
    result = selectors.survey_results(user=coordinator, survey_id=survey.pk, breakdown="department")
    usefulness = next(q for q in result.questions if q.question.kind == QuestionKind.LIKERT)
    assert usefulness.view.total.n == 10  # two batches of 5; the last 2 are never shown
    groups = usefulness.view.groups
    assert groups and all(c.n is None or c.n >= 5 for c in groups)
    names = {p.department.name for p in people}
    assert not any(c.label in names for c in groups)
    assert all(c.shown or "fewer than 5 responses" in c.hidden_text for c in groups)


def test_the_whole_survey_is_hidden_below_k(program, coordinator):
    survey = open_survey(coordinator, program)
    _answer_all(survey, invited_people(survey)[:4])
    result = selectors.survey_results(user=coordinator, survey_id=survey.pk)
    assert not result.respondents.total.shown
    assert all(not q.view.total.shown for q in result.questions if q.view)


def test_comments_are_withheld_below_k_comments_and_shuffled_above(program, coordinator):
    survey = open_survey(coordinator, program)
    people = invited_people(survey)
    _answer_all(survey, people[:9], text="Comment")
    result = selectors.survey_results(user=coordinator, survey_id=survey.pk)
    text = next(q for q in result.questions if q.is_text)
    assert text.comments.text == "Comments are shown only when at least 10 people have written one"

    _answer_all(survey, people[9:], text="Later")
    survey_transition(actor=coordinator, survey=survey, to="closed")
    shown = next(
        q
        for q in selectors.survey_results(user=coordinator, survey_id=survey.pk).questions
        if q.is_text
    )
    assert len(shown.comments.texts) == 10  # two batches of 5; the last 2 are never shown
    arrival = [f"Comment {i}" for i in range(9)] + ["Later 0"]
    assert sorted(shown.comments.texts) == sorted(arrival)
    assert list(shown.comments.texts) != arrival


def test_comments_are_for_everyone_only(program, coordinator):
    survey = open_survey(coordinator, program)
    _answer_all(survey, invited_people(survey)[:10], text="Note")
    survey_transition(actor=coordinator, survey=survey, to="closed")
    role = Response.objects.first().role
    result = selectors.survey_results(user=coordinator, survey_id=survey.pk, only=("role", role))
    text = next(q for q in result.questions if q.is_text)
    assert text.comments is None and "everyone only" in text.comments_note


def test_breakdowns_are_refused_when_the_survey_records_no_groups(program, coordinator):
    survey = open_survey(coordinator, program, breakdowns=False)
    with pytest.raises(ApplicationError, match="cannot be shown that way"):
        selectors.survey_results(user=coordinator, survey_id=survey.pk, breakdown="role")

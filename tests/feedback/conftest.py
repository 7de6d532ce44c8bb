from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tandem.feedback.models import QuestionKind, Survey
from tandem.feedback.services.stages import survey_transition
from tandem.feedback.services.surveys import survey_from_template, survey_update
from tandem.people.models import Person
from tandem.programs.models import Program, ProgramStatus
from tests.factories import RelationshipFactory
from tests.matches.conftest import matching_program


def started_program(coordinator, n: int = 12, *, days_ago: int = 20, **kwargs: Any) -> Program:
    """A program whose ``n`` enrolled people were paired (in enrolment order) ``days_ago``."""
    program = matching_program(coordinator, n, **kwargs)
    people = [e.person for e in program.enrolments.order_by("person__user__email")]
    started = timezone.now() - timedelta(days=days_ago)
    for first, second in zip(people[::2], people[1::2], strict=False):
        RelationshipFactory(program=program, created_at=started, members=[first, second])
    Program.objects.filter(pk=program.pk).update(status=ProgramStatus.ACTIVE)
    program.refresh_from_db()
    return program


def open_survey(coordinator, program: Program, kind: str = "checkin", **settings: Any) -> Survey:
    survey = survey_from_template(actor=coordinator, program=program, kind=kind)
    if settings:
        survey_update(actor=coordinator, survey=survey, **settings)
    return survey_transition(actor=coordinator, survey=survey, to="open")


def answers_for(survey: Survey, person: Person, *, score: int = 4, text: str = "") -> dict:
    """A complete, valid set of answers for the questions this person is asked."""
    from tandem.feedback.selectors import questions_for

    answers: dict[int, Any] = {}
    for question in questions_for(survey, person):
        if question.kind == QuestionKind.LIKERT:
            answers[question.pk] = score
        elif question.kind == QuestionKind.NPS:
            answers[question.pk] = min(10, score * 2)
        elif question.kind == QuestionKind.SINGLE:
            answers[question.pk] = question.choices[score % len(question.choices)]
        elif question.kind == QuestionKind.MULTI:
            answers[question.pk] = question.choices[:2]
        elif text:
            answers[question.pk] = text
    return answers


def invited_people(survey: Survey) -> list[Person]:
    return list(
        Person.objects.filter(pk__in=survey.participations.values("person_id"))
        .select_related("user", "department")
        .order_by("user__email")
    )


@pytest.fixture
def program(coordinator):
    return started_program(coordinator, 12)

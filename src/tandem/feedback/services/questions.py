"""A survey's questions, edited through the shared questionnaire component until it opens."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tandem.accounts.models import User
from tandem.core.errors import FieldError
from tandem.feedback.models import (
    Hat,
    Measure,
    QuestionKind,
    Survey,
    SurveyQuestion,
)
from tandem.feedback.services.common import require_coordinator
from tandem.programs.questionnaire import editing
from tandem.programs.questionnaire.editing import Questionnaire

QUESTION_FIELDS = ("kind", "text", "help_text", "choices", "hat", "measure", "required")
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTI)


def questionnaire_of(survey: Survey) -> Questionnaire[SurveyQuestion]:
    """A survey's questions: editable until it opens, so everyone answers the same ones."""
    return Questionnaire(
        owner=survey,
        questions=survey.questions.all(),
        new_question=lambda position: SurveyQuestion(survey=survey, position=position),
        locked=""
        if survey.is_editable
        else "Questions are fixed once a survey opens, so everyone answers the same ones.",
        audit_name="survey",
    )


def _survey_question_problems(question: SurveyQuestion) -> list[FieldError]:
    errors = []
    if question.kind not in QuestionKind.values:
        errors.append(FieldError("Choose what kind of question this is.", field="kind"))
    if question.hat not in Hat.values:
        errors.append(FieldError("Choose who is asked.", field="hat"))
    if question.measure not in Measure.values:
        errors.append(FieldError("Unknown measure.", field="measure"))
    if question.kind not in CHOICE_KINDS:
        question.choices = []
    elif len(question.choices) < 2:
        errors.append(FieldError("Give at least two choices, one per line.", field="choices"))
    return errors


@transaction.atomic
def question_save(
    *, actor: User, survey: Survey, question: SurveyQuestion | None = None, **fields: Any
) -> SurveyQuestion:
    require_coordinator(actor, survey.program)
    return editing.question_save(
        questionnaire_of(survey),
        actor=actor,
        question=question,
        fields=fields,
        allowed=QUESTION_FIELDS,
        validate=_survey_question_problems,
    )


@transaction.atomic
def question_delete(*, actor: User, question: SurveyQuestion) -> None:
    require_coordinator(actor, question.survey.program)
    editing.question_delete(questionnaire_of(question.survey), actor=actor, question=question)


@transaction.atomic
def question_move(*, actor: User, question: SurveyQuestion, offset: int) -> None:
    require_coordinator(actor, question.survey.program)
    editing.question_move(questionnaire_of(question.survey), question=question, offset=offset)

"""Changing a questionnaire: add or edit a question, move it, delete it — the same rules for
enrolment questionnaires and surveys. Each runs inside the owning app's use case (which checks
who may edit and holds the transaction)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import models

from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, FieldError
from tandem.programs.questionnaire.base import QuestionBase, clean_choices

Q = TypeVar("Q", bound=QuestionBase)


@dataclass(frozen=True)
class Questionnaire(Generic[Q]):
    """One questionnaire as the editor sees it: whose it is, its questions, whether it may
    change now (``locked`` says why not), and the audit name of its owner."""

    owner: models.Model
    questions: models.QuerySet[Q]
    new_question: Callable[[int], Q]
    locked: str
    audit_name: str

    def require_editable(self) -> None:
        if self.locked:
            raise ApplicationError(self.locked)


def question_save(
    questionnaire: Questionnaire[Q],
    *,
    actor: Any,
    question: Q | None,
    fields: Mapping[str, Any],
    allowed: Collection[str],
    validate: Callable[[Q], list[FieldError]],
) -> Q:
    """Add a question at the end, or change one; ``validate`` adds the owner's own rules."""
    questionnaire.require_editable()
    if question is None:
        question = questionnaire.new_question(questionnaire.questions.count())
    for name, value in fields.items():
        if name not in allowed:
            raise ApplicationError(f"Unknown question setting: {name}.")
        setattr(question, name, value)
    setattr(question, question.PROMPT_FIELD, question.prompt.strip())
    question.choices = clean_choices(question.choices)
    errors = (
        [] if question.prompt else [FieldError("Write the question.", field=question.PROMPT_FIELD)]
    )
    errors += validate(question)
    if errors:
        raise ApplicationError("The question needs attention.", errors=errors)
    question.save()
    log_action(
        f"{questionnaire.audit_name}.question_saved",
        actor=actor,
        target=questionnaire.owner,
        data={"question": question.pk},
    )
    return question


def question_delete(questionnaire: Questionnaire[Q], *, actor: Any, question: Q) -> None:
    questionnaire.require_editable()
    pk = question.pk
    question.delete()
    log_action(
        f"{questionnaire.audit_name}.question_deleted",
        actor=actor,
        target=questionnaire.owner,
        data={"question": pk},
    )


def question_move(questionnaire: Questionnaire[Q], *, question: Q, offset: int) -> None:
    """Move a question ``offset`` places (−1 up, +1 down), staying inside the list."""
    questionnaire.require_editable()
    questions = list(questionnaire.questions)
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    target = max(0, min(len(questions) - 1, index + offset))
    questions.insert(target, questions.pop(index))
    for position, item in enumerate(questions):
        if item.position != position:
            questionnaire.questions.filter(pk=item.pk).update(position=position)

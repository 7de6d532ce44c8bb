"""A program's enrolment questionnaire, edited through the shared questionnaire component while
the program is a draft; the skills vocabulary people pick from."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, FieldError, PermissionDeniedError
from tandem.people.models import Skill
from tandem.programs.models import (
    Program,
    Question,
    QuestionKind,
)
from tandem.programs.models import ProgramStatus as S
from tandem.programs.questionnaire import editing
from tandem.programs.questionnaire.editing import Questionnaire
from tandem.programs.questionnaire.standard import standard_questions
from tandem.programs.services.common import require_coordinator

QUESTION_FIELDS = (
    "kind",
    "label",
    "help_text",
    "required",
    "key",
    "choices",
    "max_choices",
    "consent_text",
    "show_if",
    "show_if_values",
)
CHOICE_KINDS = (QuestionKind.CHOICE, QuestionKind.MULTI_CHOICE, QuestionKind.BACKGROUND)


def questionnaire_of(program: Program) -> Questionnaire[Question]:
    """A program's enrolment questionnaire: editable while the program is a draft."""
    return Questionnaire(
        owner=program,
        questions=program.questions.all(),
        new_question=lambda position: Question(program=program, position=position),
        locked=""
        if program.status == S.DRAFT
        else "Questions are locked once enrolment opens, so everyone answers the same "
        "questionnaire. Duplicate the program to change them for a new cohort.",
        audit_name="program",
    )


def questionnaire_reset(program: Program) -> None:
    """Replace the questions with the standard questionnaire for the program's kind."""
    program.questions.all().delete()
    by_key: dict[str, Question] = {}
    for position, standard in enumerate(standard_questions(program.kind)):
        question = Question.objects.create(
            program=program,
            position=position,
            kind=standard.kind,
            key=standard.key,
            label=standard.label,
            required=standard.required,
            help_text=standard.help_text,
            choices=list(standard.choices),
            show_if=by_key.get(standard.show_if_key),
            show_if_values=list(standard.show_if_values),
        )
        by_key[standard.key] = question


def _enrolment_question_problems(question: Question) -> list[FieldError]:
    program = question.program
    errors = []
    if question.kind not in QuestionKind.values:
        errors.append(FieldError("Choose what kind of question this is.", field="kind"))
    if question.kind in CHOICE_KINDS and len(question.choices) < 2:
        errors.append(FieldError("Give at least two choices, one per line.", field="choices"))
    if not question.key:
        question.key = question.kind
    if program.questions.filter(key=question.key).exclude(pk=question.pk).exists():
        errors.append(FieldError(f"Another question already fills “{question.key}”.", field="key"))
    source = question.show_if
    if source is not None and (source.pk == question.pk or source.program_id != program.pk):
        errors.append(FieldError("Choose another question of this program.", field="show_if"))
    return errors


@transaction.atomic
def question_save(
    *, actor: User, program: Program, question: Question | None = None, **fields: Any
) -> Question:
    require_coordinator(actor, program)
    return editing.question_save(
        questionnaire_of(program),
        actor=actor,
        question=question,
        fields=fields,
        allowed=QUESTION_FIELDS,
        validate=_enrolment_question_problems,
    )


@transaction.atomic
def question_delete(*, actor: User, question: Question) -> None:
    require_coordinator(actor, question.program)
    editing.question_delete(questionnaire_of(question.program), actor=actor, question=question)


@transaction.atomic
def question_move(*, actor: User, question: Question, offset: int) -> None:
    require_coordinator(actor, question.program)
    editing.question_move(questionnaire_of(question.program), question=question, offset=offset)


@transaction.atomic
def skill_add(*, actor: User, name: str, category: str = "", synonyms: Iterable[str] = ()) -> Skill:
    if not actor.is_coordinator:
        raise PermissionDeniedError("Only coordinators and admins can add skills.")
    name = " ".join(name.split())
    if not name:
        raise ApplicationError(
            "Name the skill.", errors=[FieldError("Name the skill.", field="name")]
        )
    existing = Skill.objects.filter(name__iexact=name).first()
    if existing:
        raise ApplicationError(
            f"“{existing.name}” is already in the vocabulary.",
            errors=[FieldError("Already in the vocabulary.", field="name")],
        )
    skill = Skill.objects.create(
        name=name,
        category=category.strip(),
        synonyms=sorted({s.strip().lower() for s in synonyms if s.strip()}),
    )
    log_action("skill.added", actor=actor, target=skill)
    return skill

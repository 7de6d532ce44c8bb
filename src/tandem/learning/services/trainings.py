"""Trainings and agreements: write them, take them, and a program's requirements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, FieldError, NotFound, PermissionDeniedError
from tandem.learning.models import (
    Completion,
    Requirement,
    RequirementRole,
    Training,
    TrainingKind,
    TrainingQuestion,
)
from tandem.learning.selectors import can_manage, person_of
from tandem.learning.services.resources import check_link
from tandem.programs.models import Program
from tandem.programs.services.common import require_coordinator

MAX_QUESTIONS = 20


@dataclass(frozen=True)
class ParsedQuestion:
    text: str
    choices: list[str]
    correct: int


def parse_questions(text: str) -> list[ParsedQuestion]:
    """Questions written as blocks separated by a blank line: the question, then one line per
    answer, ``*`` before the right one and ``-`` before the others. Every problem names its
    line."""
    questions: list[ParsedQuestion] = []
    problems: list[FieldError] = []
    block: list[tuple[int, str]] = []
    for number, raw in enumerate([*(text or "").splitlines(), ""], start=1):
        line = raw.strip()
        if line:
            block.append((number, line))
            continue
        if block:
            parsed = _block(block, problems)
            if parsed:
                questions.append(parsed)
            block = []
    if len(questions) > MAX_QUESTIONS:
        problems.append(FieldError(f"At most {MAX_QUESTIONS} questions.", field="questions"))
    if problems:
        raise ApplicationError("The questions could not be read.", problems)
    return questions


def _block(lines: list[tuple[int, str]], problems: list[FieldError]) -> ParsedQuestion | None:
    (first, question), answers = lines[0], lines[1:]
    where = f"Line {first}"
    if question[:1] in "*-":
        problems.append(FieldError(f"{where}: a question comes before its answers.", "questions"))
        return None
    choices: list[str] = []
    correct: list[int] = []
    for number, line in answers:
        if line[:1] not in "*-":
            problems.append(
                FieldError(
                    f"Line {number}: start an answer with * (right) or - (wrong).", "questions"
                )
            )
            return None
        if line[0] == "*":
            correct.append(len(choices))
        choices.append(line[1:].strip()[:200])
    if len(choices) < 2 or len(correct) != 1:
        problems.append(
            FieldError(
                f"{where}: give at least two answers and mark exactly one with *.", "questions"
            )
        )
        return None
    return ParsedQuestion(question[:300], choices[:8], correct[0])


def questions_as_text(training: Training) -> str:
    blocks = []
    for q in training.questions.all():
        lines = [q.text] + [
            f"{'*' if i == q.correct else '-'} {choice}" for i, choice in enumerate(q.choices)
        ]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def training_save(
    *,
    actor: User,
    training: Training | None = None,
    program: Program | None,
    kind: str,
    title: str,
    body: str,
    summary: str = "",
    video_url: str = "",
    pass_mark: int = 80,
    minutes: int = 10,
    questions: str = "",
) -> Training:
    if not can_manage(actor, program) or (training and not can_manage(actor, training.program)):
        raise PermissionDeniedError(
            "Only admins write organisation-wide trainings; coordinators write their programs'."
        )
    problems = []
    if kind not in TrainingKind.values:
        problems.append(FieldError("Choose a module or an agreement.", field="kind"))
    if not title.strip():
        problems.append(FieldError("Give it a title.", field="title"))
    if not body.strip():
        problems.append(FieldError("Write the text people read.", field="body"))
    if not 1 <= pass_mark <= 100:
        problems.append(FieldError("The pass mark is a percentage from 1 to 100.", "pass_mark"))
    if problems:
        raise ApplicationError("The training was not saved.", problems)
    if video_url.strip():
        try:
            video_url = check_link(video_url)
        except ApplicationError as exc:
            raise ApplicationError(
                "The training was not saved.",
                [FieldError("A video link must start with http:// or https://.", "video_url")],
            ) from exc
    parsed = parse_questions(questions) if kind == TrainingKind.MODULE else []
    if kind == TrainingKind.MODULE and not parsed:
        raise ApplicationError(
            "The training was not saved.",
            [FieldError("A module needs at least one question.", field="questions")],
        )
    with transaction.atomic():
        item = training or Training(created_by=actor)
        item.program, item.kind, item.title = program, kind, title.strip()[:200]
        item.summary, item.body = summary.strip()[:300], body
        item.video_url, item.pass_mark, item.minutes = video_url.strip(), pass_mark, minutes
        item.save()
        item.questions.all().delete()
        TrainingQuestion.objects.bulk_create(
            TrainingQuestion(
                training=item, position=i, text=q.text, choices=q.choices, correct=q.correct
            )
            for i, q in enumerate(parsed)
        )
        log_action("training.saved" if training else "training.created", actor=actor, target=item)
    return item


@dataclass(frozen=True)
class Result:
    passed: bool
    score: int
    wrong: list[int]  # positions of the questions answered wrongly


def training_submit(*, actor: User, training: Training, answers: Sequence[int | None]) -> Result:
    """Mark a module's answers; passing (score ≥ pass mark) completes it. Agreements are
    acknowledged instead (``training_acknowledge``)."""
    if training.kind != TrainingKind.MODULE:
        raise ApplicationError("This is an agreement: acknowledge it instead.")
    person = person_of(actor)
    if person is None:
        raise NotFound()
    questions = list(training.questions.all())
    if len(answers) != len(questions):
        raise ApplicationError(
            "Answer every question.",
            [FieldError("Answer every question.", field="answers")],
        )
    wrong = [i for i, (q, a) in enumerate(zip(questions, answers, strict=True)) if a != q.correct]
    score = round(100 * (len(questions) - len(wrong)) / len(questions)) if questions else 100
    passed = score >= training.pass_mark
    with transaction.atomic():
        completion, _ = Completion.objects.select_for_update().get_or_create(
            training=training, person=person
        )
        completion.attempts += 1
        completion.last_score = score
        if passed and completion.completed_at is None:
            completion.completed_at = timezone.now()
        completion.save()
    return Result(passed, score, wrong)


@transaction.atomic
def training_acknowledge(*, actor: User, training: Training) -> Completion:
    if training.kind != TrainingKind.AGREEMENT:
        raise ApplicationError("This is a module: answer its questions to complete it.")
    person = person_of(actor)
    if person is None:
        raise NotFound()
    completion, _ = Completion.objects.get_or_create(training=training, person=person)
    if completion.completed_at is None:
        completion.attempts += 1
        completion.completed_at = timezone.now()
        completion.save()
        log_action("training.acknowledged", actor=actor, target=training)
    return completion


@transaction.atomic
def requirement_add(
    *, actor: User, program: Program, training: Training, role: str = RequirementRole.EVERYONE
) -> Requirement:
    require_coordinator(actor, program)
    if training.program_id not in (None, program.pk) or training.archived_at is not None:
        raise NotFound()
    if role not in RequirementRole.values:
        raise ApplicationError("Choose who it is for.", [FieldError("Unknown role.", "role")])
    requirement, created = Requirement.objects.get_or_create(
        program=program, training=training, defaults={"role": role}
    )
    if not created and requirement.role != role:
        requirement.role = role
        requirement.save(update_fields=["role"])
    log_action(
        "training.required",
        actor=actor,
        target=program,
        data={"training": training.pk, "role": role},
    )
    return requirement


@transaction.atomic
def requirement_remove(*, actor: User, program: Program, requirement_id: int) -> None:
    require_coordinator(actor, program)
    deleted, _ = Requirement.objects.filter(program=program, pk=requirement_id).delete()
    if not deleted:
        raise NotFound()
    log_action("training.requirement_removed", actor=actor, target=program)

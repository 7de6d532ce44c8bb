"""A program's stages (draft, enrolling, matching, active, closed): the one place its status
changes, each move checked and explained when refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, FieldError
from tandem.core.words import people as _people
from tandem.programs.models import (
    EnrolmentStatus,
    Program,
    ProgramStatus,
)
from tandem.programs.selectors import eligible_people
from tandem.programs.services.common import require_coordinator
from tandem.programs.services.mailings import send_invitations
from tandem.programs.signals import StageCheck, program_closed, program_stage_check

S = ProgramStatus


TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.DRAFT: (S.ENROLLING, S.MATCHING, S.CLOSED),
    S.ENROLLING: (S.MATCHING, S.CLOSED),
    S.MATCHING: (S.ENROLLING, S.ACTIVE, S.CLOSED),
    S.ACTIVE: (S.MATCHING, S.CLOSED),
    S.CLOSED: (),
}


ACTION_LABELS: dict[str, str] = {
    S.ENROLLING: "Open enrolment",
    S.MATCHING: "Close enrolment and start matching",
    S.ACTIVE: "Start the program",
    S.CLOSED: "Close the program",
}

_UNDO_LABELS: dict[tuple[str, str], str] = {
    (S.DRAFT, S.MATCHING): "Start matching the imported cohort",
    (S.MATCHING, S.ENROLLING): "Re-open enrolment",
    (S.ACTIVE, S.MATCHING): "Back to matching",
}

TYPED_CONFIRMATION_FROM = 20
"""A change that emails or ends things for this many people or more asks for the program's name."""


def action_label(program: Program, to: str) -> str:
    return _UNDO_LABELS.get((program.status, to), ACTION_LABELS.get(to, to))


def allowed_transitions(program: Program) -> tuple[str, ...]:
    return TRANSITIONS[program.status]


@dataclass(frozen=True)
class StagePreview:
    """Exactly what a stage change will do, with the real numbers, before anyone confirms it."""

    to: str
    label: str
    consequences: tuple[str, ...]
    blockers: tuple[str, ...]
    undo: str
    confirm_phrase: str

    @property
    def allowed(self) -> bool:
        return not self.blockers


def stage_preview(program: Program, to: str, *, today: date | None = None) -> StagePreview:
    """What moving ``program`` to ``to`` would do, and why it may not (read only)."""
    today = today or timezone.localdate()
    if to not in S.values:
        raise ApplicationError(f"“{to}” is not a program stage.")
    if to not in TRANSITIONS[program.status]:
        raise ApplicationError(_transition_refusal(program.status, to))
    own = _own_check(program, to, today)
    checks: list[StageCheck] = [own]
    for _, response in program_stage_check.send(sender=Program, program=program, to=to):
        if isinstance(response, StageCheck):
            checks.append(response)
    affected = sum(c.affected_people for c in checks)
    irreversible = to == S.CLOSED
    needs_typing = affected >= TYPED_CONFIRMATION_FROM or (irreversible and affected > 0)
    return StagePreview(
        to=to,
        label=action_label(program, to),
        consequences=tuple(line for c in checks for line in c.consequences),
        blockers=tuple(line for c in checks for line in c.blockers),
        undo=_undo_text(program.status, to),
        confirm_phrase=program.name if needs_typing else "",
    )


def _undo_text(current: str, to: str) -> str:
    if to == S.CLOSED:
        return "This cannot be undone: a closed program cannot be re-opened."
    if to == S.MATCHING and current == S.ENROLLING:
        return "You can re-open enrolment afterwards."
    if to == S.MATCHING and current == S.DRAFT:
        return "You can still open enrolment afterwards to invite everyone eligible."
    if to == S.ACTIVE:
        return "You can go back to matching afterwards to match people who are still waiting."
    if to == S.ENROLLING and current == S.DRAFT:
        return "Invitations cannot be called back once sent."
    return ""


def _own_check(program: Program, to: str, today: date) -> StageCheck:
    enrolled = program.enrolments.filter(status=EnrolmentStatus.ACTIVE).count()
    if to == S.ENROLLING and program.status == S.DRAFT:
        invited = eligible_people(program).count()
        problems = _opening_problems(program, today)
        return StageCheck(
            consequences=(
                f"{_people(invited)} eligible for this program will be emailed an invitation.",
                f"Enrolment stays open until {_closing_date(program)}.",
            ),
            blockers=tuple(e.message for e in problems),
            affected_people=invited,
        )
    if to == S.ENROLLING:
        return StageCheck(
            consequences=(
                f"People can enrol again until {_closing_date(program)}; nobody is emailed.",
                f"The {_people(enrolled)} already enrolled keep their answers.",
            )
        )
    if to == S.MATCHING and program.status == S.DRAFT:
        return StageCheck(
            consequences=(
                f"Matching starts with the {_people(enrolled)} you brought in; nobody else is "
                "invited and nobody is emailed.",
            ),
            blockers=()
            if enrolled >= 2
            else (
                "Bring at least two people in first (Enrolments → Import answers), or open "
                "enrolment to invite everyone eligible.",
            ),
        )
    if to == S.MATCHING and program.status == S.ENROLLING:
        return StageCheck(
            consequences=(
                f"Enrolment closes with {_people(enrolled)} enrolled; nobody else can join.",
                "Nobody is emailed; you then run matching and review the proposals.",
            ),
            blockers=() if enrolled >= 2 else ("Matching needs at least two enrolled people.",),
        )
    if to == S.MATCHING:
        return StageCheck(
            consequences=(
                "Relationships that started carry on as they are; nobody is emailed.",
                "You can run matching again for people who are still waiting.",
            )
        )
    return StageCheck()


def _closing_date(program: Program) -> str:
    closes = program.enrolment_closes_on
    return f"{closes:%-d %b %Y}" if closes else "the closing date you set"


@transaction.atomic
def program_transition(
    *,
    actor: User | None,
    program: Program,
    to: str,
    today: date | None = None,
    confirmation: str | None = None,
) -> Program:
    """Move a program to its next stage, or explain why it cannot go there.

    A person (``actor``) must pass ``confirmation`` equal to the preview's ``confirm_phrase``
    when it has one; the system (``actor=None``, e.g. enrolment closing on its date) need not.
    """
    if actor is not None:
        require_coordinator(actor, program)
    program = Program.objects.select_for_update().get(pk=program.pk)
    today = today or timezone.localdate()
    if to == S.ENROLLING and program.status == S.DRAFT:
        _check_can_open(program, today)
    preview = stage_preview(program, to, today=today)
    if len(preview.blockers) == 1:
        raise ApplicationError(preview.blockers[0])
    if preview.blockers:
        raise ApplicationError(
            f"{preview.label} is not possible yet.",
            errors=[FieldError(b, field="to") for b in preview.blockers],
        )
    if (
        actor is not None
        and preview.confirm_phrase
        and ((confirmation or "").strip().casefold() != preview.confirm_phrase.strip().casefold())
    ):
        raise ApplicationError(
            f"Type the program's name, “{preview.confirm_phrase}”, to confirm.",
            errors=[
                FieldError(
                    f"Type “{preview.confirm_phrase}” to confirm.",
                    field="confirmation",
                    value=confirmation or "",
                )
            ],
        )
    if to == S.ENROLLING:
        program.opened_at = program.opened_at or timezone.now()
        if not program.enrolment_opens_on or program.enrolment_opens_on > today:
            program.enrolment_opens_on = today
    elif to == S.CLOSED:
        program.closed_at = timezone.now()
    previous = program.status
    program.status = to
    program.save()
    log_action(
        "program.status_changed", actor=actor, target=program, data={"from": previous, "to": to}
    )
    if to == S.ENROLLING and previous == S.DRAFT:
        send_invitations(program=program)
    if to == S.CLOSED:
        program_closed.send(sender=Program, program=program, actor=actor)
    return program


def _transition_refusal(current: str, target: str) -> str:
    labels = dict(S.choices)
    options = TRANSITIONS[current]
    if not options:
        return f"The program is {labels[current].lower()}; it cannot change stage any more."
    names = [labels[o].lower() for o in options]
    allowed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    return (
        f"A program that is {labels[current].lower()} cannot become {labels[target].lower()}; "
        f"from here it can only become {allowed}."
    )


def _check_can_open(program: Program, today: date) -> None:
    errors = _opening_problems(program, today)
    if errors:
        raise ApplicationError("Enrolment cannot open yet.", errors=errors)


def _opening_problems(program: Program, today: date) -> list[FieldError]:
    errors = []
    if not program.questions.exists():
        errors.append(
            FieldError("Add at least one question to the questionnaire.", field="questions")
        )
    if not program.enrolment_closes_on:
        errors.append(FieldError("Set the date enrolment closes.", field="enrolment_closes_on"))
    elif program.enrolment_closes_on < today:
        errors.append(FieldError("The closing date is in the past.", field="enrolment_closes_on"))
    if not (program.code_of_conduct.strip() and program.confidentiality.strip()):
        errors.append(
            FieldError(
                "Write the code of conduct and the confidentiality statement; "
                "people accept them when they enrol.",
                field="code_of_conduct",
            )
        )
    return errors


def close_ended_enrolments(*, today: date) -> list[Program]:
    """Programs whose enrolment window has passed move on to matching (if anyone enrolled)."""
    closed = []
    for program in Program.objects.filter(status=S.ENROLLING, enrolment_closes_on__lt=today):
        if program.enrolments.filter(status=EnrolmentStatus.ACTIVE).count() >= 2:
            closed.append(
                program_transition(actor=None, program=program, to=S.MATCHING, today=today)
            )
    return closed

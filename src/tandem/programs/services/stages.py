"""A program's stages (draft, enrolling, matching, active, closed): the one place its status
changes, each move checked and explained when refused."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, FieldError
from tandem.programs.models import (
    EnrolmentStatus,
    Program,
    ProgramStatus,
)
from tandem.programs.services.common import require_coordinator
from tandem.programs.services.mailings import send_invitations
from tandem.programs.signals import program_closed

S = ProgramStatus


TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.DRAFT: (S.ENROLLING, S.CLOSED),
    S.ENROLLING: (S.MATCHING, S.CLOSED),
    S.MATCHING: (S.ENROLLING, S.ACTIVE, S.CLOSED),
    S.ACTIVE: (S.CLOSED,),
    S.CLOSED: (),
}


ACTION_LABELS: dict[str, str] = {
    S.ENROLLING: "Open enrolment",
    S.MATCHING: "Close enrolment and start matching",
    S.ACTIVE: "Start the program",
    S.CLOSED: "Close the program",
}


def allowed_transitions(program: Program) -> tuple[str, ...]:
    return TRANSITIONS[program.status]


@transaction.atomic
def program_transition(
    *, actor: User | None, program: Program, to: str, today: date | None = None
) -> Program:
    """Move a program to its next stage, or explain why it cannot go there."""
    if actor is not None:
        require_coordinator(actor, program)
    program = Program.objects.select_for_update().get(pk=program.pk)
    today = today or timezone.localdate()
    if to not in S.values:
        raise ApplicationError(f"“{to}” is not a program stage.")
    if to not in TRANSITIONS[program.status]:
        raise ApplicationError(_transition_refusal(program.status, to))
    if to == S.ENROLLING:
        _check_can_open(program, today)
        program.opened_at = program.opened_at or timezone.now()
        if not program.enrolment_opens_on or program.enrolment_opens_on > today:
            program.enrolment_opens_on = today
    elif to == S.MATCHING:
        if program.enrolments.filter(status=EnrolmentStatus.ACTIVE).count() < 2:
            raise ApplicationError("Matching needs at least two enrolled people.")
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
    allowed = " or ".join(labels[o].lower() for o in options)
    return (
        f"A program that is {labels[current].lower()} cannot become {labels[target].lower()}; "
        f"from here it can only become {allowed}."
    )


def _check_can_open(program: Program, today: date) -> None:
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
    if errors:
        raise ApplicationError("Enrolment cannot open yet.", errors=errors)


def close_ended_enrolments(*, today: date) -> list[Program]:
    """Programs whose enrolment window has passed move on to matching (if anyone enrolled)."""
    closed = []
    for program in Program.objects.filter(status=S.ENROLLING, enrolment_closes_on__lt=today):
        if program.enrolments.filter(status=EnrolmentStatus.ACTIVE).count() >= 2:
            closed.append(
                program_transition(actor=None, program=program, to=S.MATCHING, today=today)
            )
    return closed

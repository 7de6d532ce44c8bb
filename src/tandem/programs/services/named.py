"""Adding named people to a program: a coordinator searches the directory, picks people the
program's filters leave out (or that they want to make sure are asked), and invites them.

A named person is eligible whatever the filters say. While enrolment is open they are emailed the
program's invitation at once; in a draft, they get it with everyone else when enrolment opens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, FieldError
from tandem.notify.outbox import enqueue
from tandem.people.models import Person, PersonStatus
from tandem.programs.emails import program_mailing_email
from tandem.programs.models import (
    Enrolment,
    NamedInvitation,
    OptOut,
    Program,
    ProgramStatus,
)
from tandem.programs.services.common import require_coordinator

INVITING_STAGES = (ProgramStatus.DRAFT, ProgramStatus.ENROLLING)
MAX_NAMED_AT_ONCE = 500


@dataclass
class NamedResult:
    invited: list[Person] = field(default_factory=list)
    already_invited: list[Person] = field(default_factory=list)
    already_enrolled: list[Person] = field(default_factory=list)
    not_interested: list[Person] = field(default_factory=list)  # named, but not emailed
    emailed: int = 0


@transaction.atomic
def invite_named_people(
    *, actor: User, program: Program, people: list[Person], now: datetime | None = None
) -> NamedResult:
    """Make ``people`` eligible and invite them; people already enrolled or already named are
    reported, not invited twice. Leavers and deactivated accounts are refused by name."""
    require_coordinator(actor, program)
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.status not in INVITING_STAGES:
        raise ApplicationError(
            "Enrolment is closed, so nobody can be invited to enrol now. Re-open enrolment "
            "first, or bring people in with their answers (Import answers)."
        )
    if not people:
        raise ApplicationError(
            "Pick at least one person.", errors=[FieldError("Pick at least one person.", "people")]
        )
    if len(people) > MAX_NAMED_AT_ONCE:
        raise ApplicationError(f"Invite at most {MAX_NAMED_AT_ONCE} people at once.")
    gone = [p for p in people if p.status != PersonStatus.ACTIVE or not p.user.is_active]
    if gone:
        names = ", ".join(sorted(p.user.name for p in gone))
        raise ApplicationError(
            f"{names} no longer work here, so they cannot be invited.",
            errors=[FieldError(f"{p.user.name} has left.", "people") for p in gone],
        )
    now = now or timezone.now()
    enrolled = set(
        Enrolment.objects.filter(program=program, person__in=people).values_list(
            "person_id", flat=True
        )
    )
    named = set(
        NamedInvitation.objects.filter(program=program, person__in=people).values_list(
            "person_id", flat=True
        )
    )
    result = NamedResult()
    for person in dict.fromkeys(people):
        if person.pk in enrolled:
            result.already_enrolled.append(person)
        elif person.pk in named:
            result.already_invited.append(person)
        else:
            result.invited.append(person)
    NamedInvitation.objects.bulk_create(
        NamedInvitation(program=program, person=p, invited_by=actor, invited_at=now)
        for p in result.invited
    )
    declined = set(
        OptOut.objects.filter(program=program, person__in=result.invited).values_list(
            "person_id", flat=True
        )
    )
    result.not_interested = [p for p in result.invited if p.pk in declined]
    to_email = [p for p in result.invited if p.pk not in declined]
    if program.status == ProgramStatus.ENROLLING and to_email:
        enqueue(
            [
                program_mailing_email(
                    kind="program_invitation",
                    program=program,
                    user=person.user,
                    mailing_key="named",
                )
                for person in to_email
            ]
        )
        NamedInvitation.objects.filter(program=program, person__in=to_email).update(emailed_at=now)
        result.emailed = len(to_email)
    log_action(
        "programs.people_named",
        actor=actor,
        target=program,
        data={"invited": [p.pk for p in result.invited], "emailed": result.emailed},
    )
    return result

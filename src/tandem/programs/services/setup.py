"""Creating, changing and duplicating a program; what may change once enrolment has opened."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, FieldError, PermissionDeniedError
from tandem.programs.models import (
    Program,
    ProgramKind,
    Question,
)
from tandem.programs.models import ProgramStatus as S
from tandem.programs.services.common import require_coordinator
from tandem.programs.services.questionnaire import questionnaire_reset


@transaction.atomic
def program_create(*, actor: User, name: str, kind: str, **fields: Any) -> Program:
    if not actor.is_coordinator:
        raise PermissionDeniedError("Only coordinators and admins can create programs.")
    departments = fields.pop("eligible_departments", None)
    program = Program(name=name.strip(), kind=kind, created_by=actor, **fields)
    _validate(program)
    program.save()
    if departments is not None:
        program.eligible_departments.set(departments)
    program.coordinators.add(actor)
    questionnaire_reset(program)
    log_action("program.created", actor=actor, target=program, data={"kind": kind})
    return program


def _validate(program: Program) -> None:
    errors = []
    if not program.name:
        errors.append(FieldError("Give the program a name.", field="name"))
    if program.kind not in ProgramKind.values:
        errors.append(FieldError("Choose what kind of program this is.", field="kind"))
    if (
        program.enrolment_opens_on
        and program.enrolment_closes_on
        and program.enrolment_closes_on < program.enrolment_opens_on
    ):
        errors.append(
            FieldError("Enrolment must close after it opens.", field="enrolment_closes_on")
        )
    if program.partners_per_person > program.capacity_cap:
        errors.append(
            FieldError(
                f"Cannot be more than the cap of {program.capacity_cap}.",
                field="partners_per_person",
            )
        )
    groups = program.eligible_groups or []
    if not isinstance(groups, list) or any(
        not isinstance(g, str) or not g.strip() or len(g) > 255 for g in groups
    ):
        errors.append(
            FieldError(
                "Directory groups are group names, as the directory sends them.",
                field="eligible_groups",
            )
        )
    if any(not isinstance(d, int) or d < 1 for d in program.reminder_days or []):
        errors.append(
            FieldError(
                "Reminder days are whole days after opening, e.g. 7, 14.", field="reminder_days"
            )
        )
    if errors:
        raise ApplicationError("Some settings need attention.", errors=errors)


LOCKED_AFTER_OPENING = ("kind",)


@transaction.atomic
def program_update(*, actor: User, program: Program, **fields: Any) -> Program:
    require_coordinator(actor, program)
    if program.status == S.CLOSED:
        raise ApplicationError("A closed program can no longer be changed; duplicate it instead.")
    departments = fields.pop("eligible_departments", None)
    coordinators = fields.pop("coordinators", None)
    for key in LOCKED_AFTER_OPENING:
        if key in fields and fields[key] != getattr(program, key) and program.status != S.DRAFT:
            raise ApplicationError(
                "The kind of program cannot change once enrolment has opened.",
                errors=[FieldError("Locked once enrolment has opened.", field=key)],
            )
    changed = sorted(k for k, v in fields.items() if getattr(program, k) != v)
    for key, value in fields.items():
        setattr(program, key, value)
    _validate(program)
    program.save()
    if departments is not None:
        program.eligible_departments.set(departments)
    if coordinators is not None:
        coordinators = list(coordinators)
        if not coordinators:
            raise ApplicationError(
                "A program needs at least one coordinator.",
                errors=[FieldError("Keep at least one coordinator.", field="coordinators")],
            )
        if any(not c.is_coordinator for c in coordinators):
            raise ApplicationError(
                "Only people with the coordinator or admin role can coordinate a program.",
                errors=[FieldError("Not a coordinator.", field="coordinators")],
            )
        program.coordinators.set(coordinators)
        changed.append("coordinators")
    log_action("program.updated", actor=actor, target=program, data={"fields": changed})
    return program


@transaction.atomic
def program_duplicate(*, actor: User, program: Program) -> Program:
    """A new draft with the same settings and questionnaire, ready for the next cohort."""
    require_coordinator(actor, program)
    source_pk = program.pk
    departments = list(program.eligible_departments.all())
    copy = Program.objects.get(pk=source_pk)
    copy.pk = None
    copy.name = f"{program.name} (copy)"
    copy.status = S.DRAFT
    copy.created_by, copy.created_at = actor, timezone.now()
    copy.opened_at = copy.closed_at = None
    copy.enrolment_opens_on = copy.enrolment_closes_on = None
    copy.save()
    copy.eligible_departments.set(departments)
    copy.coordinators.set({*program.coordinators.all(), actor})
    mapping: dict[int, Question] = {}
    for question in Question.objects.filter(program_id=source_pk).order_by("position", "id"):
        old_pk, show_if_id = question.pk, question.show_if_id
        question.pk, question.program = None, copy
        question.show_if = mapping.get(show_if_id) if show_if_id else None
        question.save()
        mapping[old_pk] = question
    log_action("program.duplicated", actor=actor, target=copy, data={"from": source_pk})
    return copy

"""Enrolment that follows an outside list (e.g. the members of a linked chat channel): everyone
on it is enrolled, everyone else is withdrawn. The list is the whole truth for such a program."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError
from tandem.people.models import Person, PersonStatus
from tandem.programs.models import (
    Enrolment,
    EnrolmentStatus,
    OptOut,
    Program,
    ProgramKind,
)
from tandem.programs.models import ProgramStatus as S


@dataclass(frozen=True)
class FollowResult:
    enrolled: list[int]
    withdrawn: list[int]
    unchanged: int


@transaction.atomic
def enrolments_follow(
    *, program: Program, person_ids: Iterable[int], source: str, now: datetime | None = None
) -> FollowResult:
    """Make ``person_ids`` (active people only) the program's enrolled set, in one transaction."""
    if program.kind != ProgramKind.COFFEE_ROTATION:
        raise ApplicationError("Only a coffee rotation can follow a channel.")
    if program.status == S.CLOSED:
        raise ApplicationError("This program is closed.")
    now = now or timezone.now()
    wanted = set(
        Person.objects.filter(
            pk__in=list(person_ids), status=PersonStatus.ACTIVE, user__is_active=True
        ).values_list("pk", flat=True)
    )
    enrolments = {e.person_id: e for e in Enrolment.objects.filter(program=program)}
    active = {pid for pid, e in enrolments.items() if e.status == EnrolmentStatus.ACTIVE}
    joining = sorted(wanted - active)
    leaving = sorted(active - wanted)
    rejoining = [pid for pid in joining if pid in enrolments]
    Enrolment.objects.filter(program=program, person_id__in=rejoining).update(
        status=EnrolmentStatus.ACTIVE, withdrawn_at=None, updated_at=now
    )
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                program=program,
                person_id=pid,
                capacity=1,
                accepted_guidelines_at=now,
                created_at=now,
                updated_at=now,
            )
            for pid in joining
            if pid not in enrolments
        ]
    )
    Enrolment.objects.filter(program=program, person_id__in=leaving).update(
        status=EnrolmentStatus.WITHDRAWN, withdrawn_at=now, updated_at=now
    )
    OptOut.objects.filter(program=program, person_id__in=joining).delete()
    if joining or leaving:
        log_action(
            "enrolment.followed",
            actor=None,
            target=program,
            data={"source": source, "enrolled": len(joining), "withdrawn": len(leaving)},
        )
    return FollowResult(joining, leaving, len(active & wanted))

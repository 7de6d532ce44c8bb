"""Coordinator locks (always together) and forbids (never together) for a program."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, NotFound
from tandem.matches import engine_input
from tandem.matches.models import (
    PairRule,
    PairRuleKind,
)
from tandem.matches.services.common import require_coordinator
from tandem.people.models import Person
from tandem.programs.models import (
    Enrolment,
    EnrolmentStatus,
    Program,
    ProgramKind,
)


def _ordered(a: Person, b: Person) -> tuple[Person, Person]:
    return (a, b) if a.pk < b.pk else (b, a)


@transaction.atomic
def pair_rule_set(
    *, actor: User, program: Program, first: Person, second: Person, kind: str
) -> PairRule:
    require_coordinator(actor, program)
    if first.pk == second.pk:
        raise ApplicationError("Choose two different people.")
    if kind not in PairRuleKind.values:
        raise ApplicationError("Choose lock or forbid.")
    enrolled = Enrolment.objects.filter(
        program=program, person__in=[first, second], status=EnrolmentStatus.ACTIVE
    ).count()
    if enrolled != 2:
        raise ApplicationError("Both people must be enrolled in the program.")
    a, b = _ordered(first, second)
    if kind == PairRuleKind.LOCK and engine_input.avoids_each_other(program, a, b):
        raise ApplicationError(
            "A private preference prevents this pair, so it cannot be locked. Choose someone else."
        )
    if kind == PairRuleKind.LOCK:
        clash = (
            PairRule.objects.filter(program=program, kind=PairRuleKind.LOCK)
            .filter(Q(first__in=[a, b]) | Q(second__in=[a, b]))
            .exclude(first=a, second=b)
        )
        if program.kind != ProgramKind.CIRCLES and clash.exists():
            raise ApplicationError(
                "One of them is already locked with someone else; remove that lock first."
            )
    rule, _ = PairRule.objects.update_or_create(
        program=program, first=a, second=b, defaults={"kind": kind, "created_by": actor}
    )
    log_action(f"matching.pair_{kind}", actor=actor, target=program, data={"people": [a.pk, b.pk]})
    return rule


@transaction.atomic
def pair_rule_remove(*, actor: User, program: Program, rule_id: int) -> None:
    require_coordinator(actor, program)
    deleted, _ = PairRule.objects.filter(program=program, pk=rule_id).delete()
    if not deleted:
        raise NotFound()
    log_action("matching.pair_rule_removed", actor=actor, target=program, data={"rule": rule_id})

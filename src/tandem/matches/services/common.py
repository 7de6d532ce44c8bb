"""The check every coordinator use case of matching starts with."""

from __future__ import annotations

from tandem.accounts.models import User
from tandem.core.errors import PermissionDeniedError
from tandem.matches.models import (
    PairRule,
    PairRuleKind,
)
from tandem.programs.models import (
    Program,
)
from tandem.programs.selectors import can_coordinate


def require_coordinator(actor: User | None, program: Program) -> None:
    if actor is not None and not can_coordinate(actor, program):
        raise PermissionDeniedError("Only this program's coordinators can do that.")


def rules_snapshot(program: Program) -> dict[str, list[list[str]]]:
    rules: dict[str, list[list[str]]] = {"locks": [], "forbids": []}
    for rule in PairRule.objects.filter(program=program):
        key = "locks" if rule.kind == PairRuleKind.LOCK else "forbids"
        rules[key].append([str(rule.first_id), str(rule.second_id)])
    return rules

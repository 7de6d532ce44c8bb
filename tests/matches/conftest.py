from __future__ import annotations

import pytest

from tandem.audit.models import AuditEntry
from tandem.matches.models import MatchRun, RunStatus
from tandem.matches.services.runs import run_create
from tandem.matches.solving import run_execute
from tandem.people.models import Person
from tandem.programs.models import Program
from tests.factories import enrolled_program


def matching_program(coordinator, n: int, *, kind: str = "peer_pairs", **fields) -> Program:
    """A program in the matching stage with ``n`` enrolled people of varied skills and zones
    (``tests.factories.enrolled_program``), coordinated by ``coordinator``."""
    return enrolled_program(n, kind=kind, status="matching", coordinators=[coordinator], **fields)


@pytest.fixture
def program_factory(coordinator):
    return lambda n, **kw: matching_program(coordinator, n, **kw)


def run_now(coordinator, program, **kwargs) -> MatchRun:
    """Create a run and solve it here (what the commit hook or the worker does)."""
    run = run_create(actor=coordinator, program=program, **kwargs)
    run_execute(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    return run


def groups(run: MatchRun) -> list[set[int]]:
    """The people of each proposal, as sets of person ids."""
    return [set(p.members.values_list("person_id", flat=True)) for p in run.proposals.all()]


def enrolled(program: Program) -> list[Person]:
    """The program's enrolled people, in e-mail order (p0@…, p1@…, …)."""
    return [
        e.person
        for e in program.enrolments.select_related("person__user").order_by("person__user__email")
    ]


def audited(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()

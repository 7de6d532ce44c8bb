"""Starting and discarding match runs; small runs are solved right after the commit, larger ones
by the worker."""

from __future__ import annotations

from django.db import transaction

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, NotFound
from tandem.matches.models import (
    CriteriaVersion,
    MatchRun,
    RunPurpose,
    RunStatus,
)
from tandem.matches.selectors import has_live_relationships, matchable, pool
from tandem.matches.services.common import require_coordinator, rules_snapshot
from tandem.matches.services.criteria import current_criteria
from tandem.matches.solving import run_execute
from tandem.matches.tasks import execute_match_run
from tandem.programs.models import (
    Program,
    ProgramStatus,
)

INLINE_LIMIT = 400  # runs this small are solved in the request; larger ones go to the worker


@transaction.atomic
def run_create(
    *,
    actor: User | None,
    program: Program,
    criteria: CriteriaVersion | None = None,
    purpose: str = RunPurpose.MATCH,
    label: str = "",
    seed: int = 0,
    round_number: int | None = None,
) -> MatchRun:
    """Queue a run. Small programs are solved as soon as the transaction commits; larger ones
    by the worker (``tandem worker``), with progress shown on the review page."""
    require_coordinator(actor, program)
    program = Program.objects.get(pk=program.pk)
    if program.status not in (ProgramStatus.MATCHING, ProgramStatus.ACTIVE):
        raise ApplicationError("Close enrolment first: matching runs on the final list of people.")
    criteria = criteria or current_criteria(program)
    if criteria.program_id != program.pk:
        raise NotFound()
    members = (
        pool(program) if purpose != RunPurpose.MATCH or has_live_relationships(program) else None
    )
    count = len(members if members is not None else matchable(program))
    if count < 2:
        raise ApplicationError("There are fewer than two people to match.")
    run = MatchRun.objects.create(
        program=program,
        criteria=criteria,
        purpose=purpose,
        label=label[:60],
        seed=seed,
        round=round_number,
        created_by=actor,
        participants=count,
        rules=rules_snapshot(program),
    )
    log_action(
        "matching.run_created",
        actor=actor,
        target=program,
        data={"run": run.pk, "criteria": criteria.number, "purpose": purpose},
    )
    if count <= INLINE_LIMIT:
        transaction.on_commit(lambda: run_execute(run.pk))
    else:
        transaction.on_commit(lambda: execute_match_run.enqueue(run.pk))
    return run


@transaction.atomic
def run_discard(*, actor: User, run: MatchRun) -> None:
    require_coordinator(actor, run.program)
    if run.status == RunStatus.PUBLISHED:
        raise ApplicationError("A published run cannot be discarded.")
    MatchRun.objects.filter(pk=run.pk).update(status=RunStatus.DISCARDED)
    log_action("matching.run_discarded", actor=actor, target=run.program, data={"run": run.pk})

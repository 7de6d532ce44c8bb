"""Solving a queued run in the background: claim it, build the problem from the enrolments, run
the engine, check what it returns, and store the proposals all at once."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tandem.matches import engine_input
from tandem.matches.models import (
    MatchRun,
    Proposal,
    ProposalMember,
    RunPurpose,
    RunStatus,
    UnmatchedPerson,
)
from tandem.matches.selectors import has_live_relationships, live_match_counts, pool
from tandem.matches.services.standings import SIT_OUT_REASON
from tandem.matches.services.trios import place_odd_ones_in_pairs
from tandem.matching import (
    MatchingError,
    Problem,
    Solution,
    build_problem,
    check_solution,
    load_config,
    solve,
)
from tandem.programs.models import (
    Enrolment,
    EnrolmentStatus,
)

logger = logging.getLogger(__name__)


STALE_RUN = timedelta(minutes=10)


def run_execute(run_id: int) -> MatchRun | None:
    """Solve one run. Safe to call twice: only the caller that claims the run does the work."""
    now = timezone.now()
    claimed = MatchRun.objects.filter(
        Q(status=RunStatus.QUEUED) | Q(status=RunStatus.RUNNING, heartbeat_at__lt=now - STALE_RUN),
        pk=run_id,
    ).update(status=RunStatus.RUNNING, started_at=now, heartbeat_at=now, progress=0, error="")
    if not claimed:
        return None
    run = MatchRun.objects.select_related("program", "criteria").get(pk=run_id)
    try:
        problem, solution, enrolments = _solve(run)
        problems = check_solution(problem, solution)
    except MatchingError as exc:
        _fail(run, "; ".join(exc.problems))
        return run
    except Exception as exc:  # a bug must not leave the run spinning for ever
        logger.exception("match run %s failed", run_id)
        _fail(run, f"{type(exc).__name__}: {exc}")
        return run
    if problems:
        logger.error("match run %s breaks %d rules: %s", run_id, len(problems), problems[:5])
    _store(run, solution, enrolments, problems)
    return run


def _fail(run: MatchRun, error: str) -> None:
    MatchRun.objects.filter(pk=run.pk).update(
        status=RunStatus.FAILED, error=error[:4000], finished_at=timezone.now()
    )


def _progress_writer(run: MatchRun) -> Callable[[float, str], None]:
    last = [0.0]

    def report(fraction: float, phase: str) -> None:
        now = time.monotonic()
        if now - last[0] < 0.5 and fraction < 1:
            return
        last[0] = now
        MatchRun.objects.filter(pk=run.pk).update(
            progress=round(min(max(fraction, 0.0), 1.0), 3),
            phase=phase[:100],
            heartbeat_at=timezone.now(),
        )

    return report


def _solve(run: MatchRun) -> tuple[Problem, Solution, dict[str, Enrolment]]:
    program = run.program
    if run.purpose == RunPurpose.MATCH and not has_live_relationships(program):
        enrolments = list(
            Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE).select_related(
                "person__user", "person__department"
            )
        )
        capacity = None
    else:
        enrolments = pool(program)
        if run.round is not None:  # a rotation round: snoozed people and who sits out stay out
            out = {*run.rules.get("snoozed", []), *run.rules.get("sitting_out", [])}
            enrolments = [e for e in enrolments if str(e.person_id) not in out]
        live = live_match_counts(program)
        capacity = {e.person_id: e.capacity - live.get(e.person_id, 0) for e in enrolments}
    records = engine_input.participants(program, enrolments, capacity=capacity)
    config = dict(run.criteria.config)
    constraints = dict(config.get("constraints", {}))
    ids = {r.id for r in records}
    constraints["locks"] = [r for r in run.rules.get("locks", []) if set(r) <= ids]
    constraints["forbids"] = [r for r in run.rules.get("forbids", []) if set(r) <= ids]
    config["constraints"] = constraints
    if run.round is not None:
        config["round_number"] = run.round
    config["reference_date"] = timezone.localdate().isoformat()
    problem = build_problem(records, load_config(config))
    solution = solve(problem, seed=run.seed, progress=_progress_writer(run))
    return problem, solution, {str(e.person_id): e for e in enrolments}


@transaction.atomic
def _store(
    run: MatchRun, solution: Solution, enrolments: dict[str, Enrolment], problems: list[str]
) -> None:
    """Everything of a run becomes visible at once, with the run marked done."""
    proposals = Proposal.objects.bulk_create(
        [
            Proposal(
                run=run,
                score=round(group.score, 4),
                min_pair_score=round(group.min_pair_score, 4),
                explanation=list(group.explanation),
                factors=[asdict(f) for f in group.factors],
                locked=group.locked,
            )
            for group in solution.groups
        ]
    )
    ProposalMember.objects.bulk_create(
        [
            ProposalMember(
                proposal=proposal,
                person_id=int(member),
                role=enrolments[member].role,
                explanation=list(dict.fromkeys(group.per_member.get(member, []))),
            )
            for proposal, group in zip(proposals, solution.groups, strict=True)
            for member in group.members
        ]
    )
    UnmatchedPerson.objects.bulk_create(
        [UnmatchedPerson(run=run, person_id=int(u.id), reason=u.reason) for u in solution.unmatched]
        + [
            UnmatchedPerson(run=run, person_id=int(pid), reason=SIT_OUT_REASON)
            for pid in run.rules.get("sitting_out", [])
        ]
    )
    stats = asdict(solution.stats)
    MatchRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
        status=RunStatus.DONE,
        progress=1,
        phase="done",
        stats=stats,
        notes=list(solution.notes),
        check_problems=problems[:200],
        finished_at=timezone.now(),
    )
    place_odd_ones_in_pairs(run)

"""``solve``: one entry point for every program kind.

validate -> compile -> solve (the kind's ``Solver``, see kinds.py) -> explain -> stats. The
coordinator's locks are taken out before solving and shown as locked groups afterwards.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from tandem.matching.candidates import Progress
from tandem.matching.explain import display
from tandem.matching.groups import make_groups, pair_total
from tandem.matching.kinds import SOLVERS
from tandem.matching.reasons import unmatched_reason
from tandem.matching.records import (
    PROGRAM_KINDS,
    ConfigError,
    Group,
    Problem,
    Solution,
    Unmatched,
)
from tandem.matching.scoring import ScoreModel, compile_problem
from tandem.matching.solver import SolveRequest, SolverResult
from tandem.matching.stats import solve_stats


def _report(progress: Progress | None, fraction: float, phase: str) -> None:
    if progress is not None:
        progress(max(0.0, min(1.0, fraction)), phase)


def _scaled(progress: Progress | None, lo: float, hi: float) -> Progress | None:
    """The solver's progress (0..1) as the part between ``lo`` and ``hi`` of the whole."""
    if progress is None:
        return None
    return lambda f, phase: progress(lo + (hi - lo) * f, phase)


def validate(problem: Problem) -> None:
    problems = []
    if problem.kind not in PROGRAM_KINDS:
        problems.append(f"kind {problem.kind!r} is not one of {', '.join(PROGRAM_KINDS)}")
    size = problem.constraints.group_size
    if problem.kind == "circles" and not 3 <= size <= 6:
        problems.append(f"group_size must be between 3 and 6, not {size}")
    if problems:
        raise ConfigError(problems)


def solve(problem: Problem, *, seed: int = 0, progress: Progress | None = None) -> Solution:
    """Solve a matching problem. Deterministic for a given ``seed``.

    ``progress(fraction, phase)`` is called now and then with the fraction done (0..1) and a
    short phase label ("compiling", "candidates", "assignment", ...), e.g. for a progress bar.
    """
    started = time.perf_counter()
    validate(problem)
    _report(progress, 0.0, "compiling")
    model = compile_problem(problem, seed=seed)
    phases = {"compile": time.perf_counter() - started}
    locks = find_locks(model, problem)

    solve_started = time.perf_counter()
    request = SolveRequest(
        active=locks.free, locked=locks.groups, seed=seed, progress=_scaled(progress, 0.05, 0.9)
    )
    result = SOLVERS[problem.kind].solve(model, problem, request)
    phases["solve"] = time.perf_counter() - solve_started

    _report(progress, 0.92, "explaining")
    explain_started = time.perf_counter()
    groups, objective, bound = _explained_groups(model, result)
    unmatched = _left_out(model, problem.kind, result, groups)
    phases["explain"] = time.perf_counter() - explain_started

    seconds = time.perf_counter() - started
    stats = solve_stats(groups, result, objective, bound, seconds, phases, len(unmatched))
    _report(progress, 1.0, "done")
    notes = locks.notes + result.notes
    return Solution(kind=problem.kind, groups=groups, unmatched=unmatched, stats=stats, notes=notes)


@dataclass
class Locks:
    """The coordinator's locks that hold (as participant indices), everyone else, and notes
    on the locks that were ignored or break a hard rule."""

    groups: list[tuple[int, ...]] = field(default_factory=list)
    free: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    notes: list[str] = field(default_factory=list)


def find_locks(model: ScoreModel, problem: Problem) -> Locks:
    locks = Locks()
    taken: set[int] = set()
    for lock in problem.constraints.locks:
        members = [model.index[m] for m in lock if m in model.index]
        missing = [m for m in lock if m not in model.index]
        who = _names(model, lock)
        if missing:
            locks.notes.append(
                f"The lock of {who} was ignored: {', '.join(missing)} "
                f"{'is' if len(missing) == 1 else 'are'} not in this run"
            )
            continue
        if len(members) < 2 or any(m in taken for m in members):
            locks.notes.append(
                f"The lock of {who} was ignored: it overlaps another lock "
                "or has fewer than 2 people"
            )
            continue
        a, b = np.triu_indices(len(members), 1)
        arr = np.array(members, np.int64)
        if not model.feasible(arr[a], arr[b]).all():
            locks.notes.append(
                f"The lock of {who} breaks a hard rule; kept because the coordinator asked for it"
            )
        locks.groups.append(tuple(members))
        taken.update(members)
    locks.free = np.array([i for i in range(model.n) if i not in taken], np.int64)
    return locks


def _names(model: ScoreModel, ids: tuple[str, ...] | list[str]) -> str:
    """People by name (an id only where the run does not know them), "A, B and C"."""
    names = [display(model.participants[model.index[i]]) if i in model.index else i for i in ids]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _explained_groups(model: ScoreModel, result: SolverResult) -> tuple[list[Group], float, float]:
    """Locked groups first, then the solver's; objective and bound count the locked ones too."""
    groups = make_groups(model, [list(lock) for lock in result.locked], locked=True)
    objective, bound = result.objective, result.bound
    for lock in result.locked:
        total = pair_total(model, list(lock))
        objective += total
        bound += total
    made = make_groups(model, result.groups, locked=False)
    for members, made_group in zip(result.groups, made, strict=True):
        made_group.roles = result.roles.get(tuple(members), {})
        groups.append(made_group)
    return groups, objective, bound


def _left_out(
    model: ScoreModel, kind: str, result: SolverResult, groups: list[Group]
) -> list[Unmatched]:
    """Everyone waiting for a match who got none, with the reason in plain words."""
    in_group = np.zeros(model.n, bool)
    for g in groups:
        for member in g.members:
            in_group[model.index[member]] = True
    taken = _taken(model, result, groups, in_group)
    word = result.partner_word
    unmatched = []
    for i in result.waiting.tolist():
        if in_group[i]:
            continue
        if result.listed.get(i, 0) > 0:
            # the candidate search found feasible partners for them and every one is full (the
            # solver also looked for feasible partners with room): no need to scan everyone
            reason = f"every {word} who fits you is at capacity"
        else:
            reason = unmatched_reason(
                model, i, result.partners, taken=taken, kind=kind, partner_word=word
            )
        unmatched.append(Unmatched(model.ids[i], reason))
    return unmatched


def _taken(
    model: ScoreModel, result: SolverResult, groups: list[Group], in_group: np.ndarray
) -> np.ndarray:
    """Who cannot take one more partner: anyone matched, or, for partners with a capacity,
    those at capacity."""
    if not result.partners_have_capacity:
        return in_group.copy()
    load = np.zeros(model.n, np.int64)
    for g in groups:
        for member in g.members:
            load[model.index[member]] += 1
    cap = np.array([max(1, p.capacity) for p in model.participants], np.int64)
    at_capacity: np.ndarray = load >= cap
    return at_capacity

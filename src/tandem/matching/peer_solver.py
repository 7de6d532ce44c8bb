"""peer_pairs and coffee_rotation: one population paired up (pairs.py), optionally as stable
roommates, with further rounds for people whose capacity is above one and trios for the odd one
out."""

from __future__ import annotations

import numpy as np

from tandem.matching.candidates import Progress
from tandem.matching.explain import display
from tandem.matching.pairs import PairResult, solve_pairs
from tandem.matching.preferences import peer_preferences
from tandem.matching.records import Problem
from tandem.matching.scoring import ScoreModel
from tandem.matching.solver import (
    STABLE_LIMIT,
    SolveRequest,
    SolverResult,
    pairs_total,
)
from tandem.matching.stable import stable_roommates

NO_STABLE_NOTE = (
    "No stable matching exists for these preferences (every arrangement "
    "leaves two people who prefer each other to their partners); the "
    "maximum-score matching is used instead."
)
STABLE_NOTE = "Stable matching (Irving's stable roommates) on each person's own ranking."
CAPACITY_NOTE = (
    "Some people have capacity > 1: extra pairs were made in further rounds "
    "among people with room left (the certificate covers the first round)."
)


class PeerPairsSolver:
    """Most people matched first, then the highest total score (or stable, if asked)."""

    def solve(self, model: ScoreModel, problem: Problem, request: SolveRequest) -> SolverResult:
        notes: list[str] = []
        if problem.constraints.stable and len(request.active) <= STABLE_LIMIT:
            result = _stable_pairs(model, problem, request, notes)
        else:
            result = _max_score_pairs(
                model, problem, request.active, request.seed, request.progress
            )
            result = _capacity_rounds(model, problem, request, result, notes)
        groups = sorted([min(a, b), max(a, b)] for a, b in result.pairs)
        if problem.constraints.allow_trio:
            groups = add_trios(model, groups, request.active, notes)
        return SolverResult(
            groups=groups,
            objective=result.objective,
            bound=result.bound,
            certified=result.certified,
            solver=result.solver,
            bound_method=result.bound_method,
            k=result.k,
            locked=request.locked,
            waiting=request.active,
            partners=request.active,
            notes=notes,
        )


def _max_score_pairs(
    model: ScoreModel,
    problem: Problem,
    people: np.ndarray,
    seed: int,
    progress: Progress | None = None,
) -> PairResult:
    return solve_pairs(
        model,
        people,
        seed=seed,
        exact_limit=problem.exact_limit,
        k=problem.candidates_k,
        progress=progress,
    )


def _stable_pairs(
    model: ScoreModel, problem: Problem, request: SolveRequest, notes: list[str]
) -> PairResult:
    """Irving's stable roommates on everyone's own ranking; the maximum-score matching (whose
    bound is reported either way) when no stable matching exists."""
    stable = stable_roommates(peer_preferences(model, request.active))
    best = _max_score_pairs(model, problem, request.active, request.seed, request.progress)
    if stable is None:
        notes.append(NO_STABLE_NOTE)
        return best
    pairs = sorted({(min(a, b), max(a, b)) for a, b in stable.items() if b is not None})
    notes.append(STABLE_NOTE)
    return PairResult(
        list(pairs),
        pairs_total(model, pairs),
        best.bound,
        False,
        "stable roommates (Irving)",
        best.bound_method,
        best.k,
        best.isolated,
    )


def _capacity_rounds(
    model: ScoreModel,
    problem: Problem,
    request: SolveRequest,
    result: PairResult,
    notes: list[str],
) -> PairResult:
    """People with capacity > 1 get further partners in rounds among those with room left."""
    active = request.active
    capacity = np.array([max(1, p.capacity) for p in model.participants], np.int64)
    if not (capacity[active] > 1).any():
        return result
    pairs = _further_rounds(model, problem, request, capacity, list(result.pairs))
    if len(pairs) > len(result.pairs):
        result.pairs = pairs
        result.objective = pairs_total(model, pairs)
        result.certified = False
        result.bound = max(result.bound, result.objective)
        notes.append(CAPACITY_NOTE)
    return result


def _further_rounds(
    model: ScoreModel,
    problem: Problem,
    request: SolveRequest,
    capacity: np.ndarray,
    pairs: list[tuple[int, int]],
) -> list[tuple[int, int]]:
    active = request.active
    used = np.zeros(model.n, np.int64)
    for a, b in pairs:
        used[a] += 1
        used[b] += 1
    made = {(min(a, b), max(a, b)) for a, b in pairs}
    for _ in range(int(capacity.max()) - 1):
        room = active[(used[active] < capacity[active])]
        if len(room) < 2 or not (capacity[room] > 1).any():
            break
        extra = _max_score_pairs(model, problem, room, request.seed)
        new = [(a, b) for a, b in extra.pairs if (min(a, b), max(a, b)) not in made]
        if not new:
            break
        for a, b in new:
            used[a] += 1
            used[b] += 1
            made.add((min(a, b), max(a, b)))
        pairs += new
    return pairs


def add_trios(
    model: ScoreModel, groups: list[list[int]], active: np.ndarray, notes: list[str]
) -> list[list[int]]:
    """Each person left over joins the pair they add most to (both pairs feasible), one per
    pair. The objective stays the pairs' total: trios are a courtesy, not optimised."""
    matched = {m for g in groups for m in g}
    odd = [i for i in active.tolist() if i not in matched]
    if not odd or not groups:
        return groups
    pairs = np.array([g for g in groups if len(g) == 2], np.int64).reshape(-1, 2)
    used = np.zeros(len(pairs), bool)
    for x in odd:
        xs = np.full(len(pairs), x)
        ok = model.feasible(xs, pairs[:, 0]) & model.feasible(xs, pairs[:, 1]) & ~used
        if not ok.any():
            continue
        gain = model.scores(xs, pairs[:, 0]) + model.scores(xs, pairs[:, 1])
        best = int(np.argmax(np.where(ok, gain, -np.inf)))
        used[best] = True
        target = next(g for g in groups if g == [int(pairs[best, 0]), int(pairs[best, 1])])
        target.append(x)
        notes.append(f"{display(model.participants[x])} joins a trio (odd one out)")
    return groups

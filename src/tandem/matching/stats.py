"""The quality figures of a solution: objective, bound and gap, who is worst off, and the
distribution of group scores."""

from __future__ import annotations

import numpy as np

from tandem.matching.records import Group, SolveStats
from tandem.matching.solver import SolverResult


def solve_stats(
    groups: list[Group],
    result: SolverResult,
    objective: float,
    bound: float,
    seconds: float,
    phases: dict[str, float],
    unmatched: int,
) -> SolveStats:
    """``objective`` and ``bound`` include the coordinator's locked groups."""
    person_scores = _person_scores(groups)
    group_scores = np.array([g.score for g in groups]) if groups else np.zeros(0)
    gap = max(0.0, (bound - objective) / bound) if bound > 0 else 0.0
    if result.certified:
        gap = 0.0
    return SolveStats(
        objective=round(objective, 6),
        bound=round(bound, 6),
        gap=round(gap, 6),
        matched=len(person_scores),
        unmatched=unmatched,
        worst_off=round(min(person_scores), 6) if person_scores else 0.0,
        mean_score=round(float(group_scores.mean()), 6) if len(group_scores) else 0.0,
        histogram=_histogram(group_scores),
        quantiles=_quantiles(group_scores),
        seconds=round(seconds, 3),
        solver=result.solver,
        bound_method=result.bound_method,
        certified_optimal=result.certified,
        candidates_k=result.k,
        phases={key: round(v, 3) for key, v in phases.items()},
    )


def _person_scores(groups: list[Group]) -> list[float]:
    """Per person (mentors may be in several groups): the mean score of their pairs."""
    slot: dict[str, int] = {}
    owners: list[int] = []
    values: list[float] = []
    for g in groups:
        for member in g.members:
            slot.setdefault(member, len(slot))
        for a, b, s in g.pair_scores:
            owners += (slot[a], slot[b])
            values += (s, s)
    totals = np.bincount(owners, weights=values, minlength=len(slot))
    counts = np.bincount(owners, minlength=len(slot))
    means = np.divide(totals, counts, out=np.zeros(len(slot)), where=counts > 0)
    scores: list[float] = means.tolist()
    return scores


def _histogram(group_scores: np.ndarray) -> list[tuple[float, float, int]]:
    counts, edges = np.histogram(group_scores, bins=10, range=(0.0, 1.0))
    return [
        (round(float(edges[i]), 2), round(float(edges[i + 1]), 2), int(counts[i]))
        for i in range(10)
    ]


def _quantiles(group_scores: np.ndarray) -> dict[str, float]:
    if not len(group_scores):
        return {}
    return {f"p{q}": round(float(np.percentile(group_scores, q)), 4) for q in (10, 25, 50, 75, 90)}

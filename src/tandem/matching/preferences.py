"""Rankings for stable matching: each person's own ``ranking`` first (feasible entries only),
completed by score, so people who ranked nobody still have full lists."""

from __future__ import annotations

import numpy as np

from tandem.matching.scoring import ScoreModel
from tandem.matching.terms import ComplementaryTerm


def peer_preferences(model: ScoreModel, active: np.ndarray) -> dict[int, list[int]]:
    """Each person's ranking: their own list first (feasible entries), then everyone feasible by
    what they gain from the other (the complementary criterion counted in their direction)."""
    prefs: dict[int, list[int]] = {}
    for i in active.tolist():
        others = active[active != i]
        ok = model.feasible(np.full(len(others), i), others)
        others = others[ok]
        gain = _gain_from(model, i, others)
        order = others[np.lexsort((others, -gain))]
        prefs[i] = own_ranking_first(model, i, order.tolist())
    return prefs


def _gain_from(model: ScoreModel, i: int, others: np.ndarray) -> np.ndarray:
    """Pair scores with the complementary criterion counted only in ``i``'s direction."""
    me = np.full(len(others), i)
    score = model.scores(me, others)
    for term in model.terms:
        if isinstance(term, ComplementaryTerm) and term.weight:
            both = term.values(me, others)
            mine = term.directional(others, me)
            score = score - term.weight * both + term.weight * mine
    return score


def mentor_preferences(
    model: ScoreModel, left: np.ndarray, right: np.ndarray
) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Mentees' rankings of feasible mentors and mentors' rankings of feasible mentees, both by
    pair score (ties by id) after each person's own ranking."""
    resident_prefs: dict[int, list[int]] = {}
    by_mentor: dict[int, list[tuple[float, int]]] = {int(r): [] for r in right.tolist()}
    for e in left.tolist():
        ok = model.feasible(np.full(len(right), e), right)
        mentors = right[ok]
        s = model.scores(np.full(len(mentors), e), mentors)
        order = mentors[np.lexsort((mentors, -s))].tolist()
        resident_prefs[e] = own_ranking_first(model, e, order)
        for m, sc in zip(mentors.tolist(), s.tolist(), strict=True):
            by_mentor[m].append((-sc, e))
    hospital_prefs = {
        m: own_ranking_first(model, m, [e for _, e in sorted(v)]) for m, v in by_mentor.items()
    }
    return resident_prefs, hospital_prefs


def own_ranking_first(model: ScoreModel, person: int, order: list[int]) -> list[int]:
    """``order`` with the entries of the person's own ranking moved to the front, in their
    order (ranked people outside ``order`` are not acceptable and are dropped)."""
    allowed = set(order)
    own = [model.index[r] for r in model.participants[person].ranking if r in model.index]
    own = [r for r in own if r in allowed]
    ranked = set(own)
    return own + [r for r in order if r not in ranked]

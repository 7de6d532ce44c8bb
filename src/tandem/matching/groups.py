"""Groups as the people see them: members, scores, explanations and what each member gets.

Every pair of every group is scored and explained in one batch (explaining is the slow part).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from tandem.matching.explain import display, explainer, explanation_lines, per_member_lines
from tandem.matching.records import Factor, Group
from tandem.matching.scoring import ScoreModel


def make_groups(model: ScoreModel, groups: Sequence[Sequence[int]], *, locked: bool) -> list[Group]:
    """Groups with scores and explanations; all pairs are scored and explained in one batch."""
    pair_a, pair_b = [], []
    for members in groups:
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                pair_a.append(members[x])
                pair_b.append(members[y])
    a_arr, b_arr = np.array(pair_a, np.int64), np.array(pair_b, np.int64)
    batch = PairBatch(
        pair_a,
        pair_b,
        model.scores(a_arr, b_arr).tolist() if len(a_arr) else [],
        explainer(model).pairs(a_arr, b_arr) if len(a_arr) else [],
    )
    out = []
    start = 0
    for members in groups:
        end = start + len(members) * (len(members) - 1) // 2  # its pairs come next, in order
        out.append(_group(model, members, batch, start, end, locked=locked))
        start = end
    return out


class PairBatch(NamedTuple):
    """Every pair of every group, in group order, with its score and factors."""

    a: list[int]
    b: list[int]
    scores: list[float]
    factors: list[list[Factor]]


def _group(
    model: ScoreModel,
    members: Sequence[int],
    batch: PairBatch,
    start: int,
    end: int,
    *,
    locked: bool,
) -> Group:
    """A pair shows all its factors; a larger group shows each pair's three strongest.

    The group's pairs are ``batch[start:end]``, read by index: slicing or zipping per group
    allocates enough short-lived objects to make the garbage collector a visible cost."""
    ids = tuple(model.ids[m] for m in members)
    pair_scores: list[tuple[str, str, float]] = []
    factors: list[Factor] = []
    explanation: list[str] = []
    per_member: dict[str, list[str]] = {i: [] for i in ids}
    pair_a, pair_b, scores, pair_factors = batch
    for p in range(start, end):
        a, b, fs = pair_a[p], pair_b[p], pair_factors[p]
        pair_scores.append((model.ids[a], model.ids[b], round(scores[p], 6)))
        lines = explanation_lines(fs)
        if len(members) == 2:
            factors, explanation = fs, lines
        else:
            names = f"{display(model.participants[a])} & {display(model.participants[b])}"
            explanation.append(f"{names}: " + "; ".join(lines[:3]))
            factors.extend(fs)
        for member, items in per_member_lines(model, a, b, fs).items():
            per_member[member].extend(items if len(members) == 2 else items[:2])
    if locked:
        explanation.insert(0, "locked by the coordinator")
    return Group(
        members=ids,
        score=round(_mean_score(pair_scores), 6),
        pair_scores=pair_scores,
        explanation=explanation,
        factors=factors,
        per_member=per_member,
        locked=locked,
    )


def _mean_score(pair_scores: list[tuple[str, str, float]]) -> float:
    if len(pair_scores) == 1:  # a pair: its score (np.mean of one number is a slow copy)
        return pair_scores[0][2]
    return float(np.mean([sc for _, _, sc in pair_scores])) if pair_scores else 0.0


def pair_total(model: ScoreModel, members: list[int]) -> float:
    """The sum of the pair scores inside a group."""
    if len(members) < 2:
        return 0.0
    a, b = np.triu_indices(len(members), 1)
    m = np.array(members, np.int64)
    return float(model.scores(m[a], m[b]).sum())

"""Mentor -> mentee (and new hire -> buddy) with capacities: min-cost flow, optimal.

Most mentees assigned first, then the highest total score, exactly on the candidate graph (each
mentee's best ``k`` mentors). The optimum is certified over *all* mentors the same way as for
pairs: a relaxed flow lets each mentee take a "way out" worth ``t_e`` (the bound on any mentor
outside their list) without using capacity. If nobody takes it, the assignment is optimal over
every feasible pair; otherwise those mentees' lists are lengthened and the flow is solved again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tandem.matching.candidates import (
    Candidates,
    Progress,
    all_feasible,
    scan_topk,
    unique_ints,
)
from tandem.matching.flow import SCALE, capacitated_assignment, to_int
from tandem.matching.scoring import ScoreModel

MAX_ROUNDS = 6
COMPLETE_LIMIT = 2_000_000
LAST_RESORT_LIMIT = 50_000_000
AUGMENT_ROUNDS = 3


@dataclass
class BipartiteResult:
    assignments: list[tuple[int, int]]  # (mentee, mentor), global ids
    objective: float
    bound: float
    certified: bool
    solver: str
    bound_method: str
    k: int
    #: how many feasible mentors each mentee's candidate list holds (for the reasons)
    listed: dict[int, int] = field(default_factory=dict)


def solve_bipartite(
    model: ScoreModel,
    left: np.ndarray,
    right: np.ndarray,
    capacity: np.ndarray,
    *,
    seed: int = 0,
    k: int | None = None,
    progress: Progress | None = None,
) -> BipartiteResult:
    left = np.asarray(left, np.int64)
    right = np.asarray(right, np.int64)
    kk = k or (12 if len(left) > 20_000 else 40)
    if len(left) == 0 or len(right) == 0:
        return BipartiteResult([], 0.0, 0.0, True, "trivial", "exact", kk)
    lists: dict[int, np.ndarray] = {}
    thresholds = np.full(model.n, -np.inf)
    row_k = dict.fromkeys(left.tolist(), kk)

    base: list[np.ndarray] = []  # the lists as (mentee, mentor) arrays, until they change

    def absorb(c: Candidates) -> None:
        base.clear()
        for i, r in enumerate(c.rows.tolist()):
            nb = c.neighbours[i]
            lists[r] = nb[nb >= 0]
            thresholds[r] = c.threshold[i]

    if len(left) * len(right) <= COMPLETE_LIMIT:  # small: every feasible pair, one round
        row_k = dict.fromkeys(left.tolist(), len(right))
        absorb(scan_topk(model, len(right), rows=left, cols=right, seed=seed))
    else:
        absorb(scan_topk(model, kk, rows=left, cols=right, seed=seed, progress=progress))
    right_pos = np.full(model.n, -1, np.int64)
    right_pos[right] = np.arange(len(right))
    left_pos = np.full(model.n, -1, np.int64)
    left_pos[left] = np.arange(len(left))
    is_right = right_pos >= 0
    pu, pv = model.preferred_pairs

    # mentors added to everyone's lists by the augmenting pass (mentee, mentor), kept apart
    added_e = np.zeros(0, np.int64)
    added_m = np.zeros(0, np.int64)
    scored: list[np.ndarray] = [np.zeros(0, np.int64), np.zeros(0)]  # keys and scores so far

    def listed_keys() -> np.ndarray:
        if not base:
            lens = np.array([len(lists[r]) for r in left.tolist()], np.int64)
            base[:] = [np.repeat(left, lens), np.concatenate([lists[r] for r in left.tolist()])]
        e, m = np.concatenate([base[0], added_e]), np.concatenate([base[1], added_m])
        return unique_ints(e * model.n + m)

    def graph() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        keys = listed_keys()
        e, m = keys // model.n, keys % model.n
        if len(pu):  # wishes across the two sides are always candidates
            a = np.concatenate([pu, pv])
            b = np.concatenate([pv, pu])
            ok = (left_pos[a] >= 0) & is_right[b]
            a, b = a[ok], b[ok]
            ok = model.feasible(a, b)
            e, m = np.concatenate([e, a[ok]]), np.concatenate([m, b[ok]])
        keys = unique_ints(e * model.n + m)
        e, m = keys // model.n, keys % model.n
        # score only the pairs not scored in an earlier round (scores are exact per pair)
        old_keys, old_w = scored
        w = np.empty(len(keys))
        known = np.zeros(len(keys), bool)
        if len(old_keys):
            pos = np.searchsorted(old_keys, keys).clip(0, len(old_keys) - 1)
            known = old_keys[pos] == keys
            w[known] = old_w[pos[known]]
        w[~known] = model.scores(e[~known], m[~known])
        scored[:] = [keys, w]
        return e, m, w

    hubs = _hubs(model, left, right)
    certified = False
    # large instances skip the certificate loop (each round rescans many mentees): the
    # assignment on the candidate graph is reported with the flow bound and its gap
    rounds = MAX_ROUNDS if len(left) * len(right) <= LAST_RESORT_LIMIT else 0
    e, m, w = graph()
    for round_ in range(rounds):
        e, m, w = graph()
        t = thresholds[left]
        bypass = np.where(np.isfinite(t), np.ceil(np.maximum(t, 0) * SCALE) + 1, 0).astype(np.int64)
        result = capacitated_assignment(
            len(left),
            len(right),
            left_pos[e],
            right_pos[m],
            to_int(w) + 1,
            capacity,
            bypass=bypass,
            hub_of_left=hubs[0],
            hub_right=hubs[1],
        )
        if progress is not None:
            progress(min(0.95, 0.7 + 0.08 * round_), "assignment")
        takers = left[result.bypass_used]
        if len(takers) == 0:
            certified = True
            break
        if round_ == rounds - 1:
            break
        grow = set(takers.tolist())
        if round_ == MAX_ROUNDS - 2 and len(left) * len(right) <= LAST_RESORT_LIMIT:
            grow |= {g for g in left.tolist() if row_k[g] < len(right)}  # then it certifies
        groups: dict[int, list[int]] = {}
        for g in sorted(grow):
            row_k[g] = len(right) if round_ >= MAX_ROUNDS - 3 else row_k[g] * 4
            if round_ == MAX_ROUNDS - 2:
                row_k[g] = len(right)
            groups.setdefault(row_k[g], []).append(g)
        for size, rows in groups.items():
            arr = np.array(rows, np.int64)
            if size >= len(right):
                absorb(all_feasible(model, arr, right))
            else:
                absorb(scan_topk(model, size, rows=arr, cols=right, seed=seed))
    if not certified:
        result = capacitated_assignment(
            len(left), len(right), left_pos[e], right_pos[m], to_int(w) + 1, capacity
        )
        # nobody stays unassigned while a feasible mentor has room: look for such mentors
        # among those with room left, add them to the lists, solve again
        large = len(left) * len(right) > LAST_RESORT_LIMIT
        for _ in range(1 if large else AUGMENT_ROUNDS):
            load = np.bincount(right_pos[m[result.used]], minlength=len(right))
            room = right[load < capacity]
            assigned = np.zeros(model.n, bool)
            assigned[e[result.used]] = True
            waiting = left[~assigned[left] & np.isfinite(thresholds[left])]
            if len(room) == 0 or len(waiting) == 0:
                break
            # every mentee learns their best few mentors with room: a waiting mentee may get a
            # seat that someone else frees by moving to one of those (an augmenting chain)
            extra = scan_topk(model, min(3, len(room)), rows=left, cols=room, seed=seed)
            width = extra.neighbours.shape[1]
            new_e = np.repeat(extra.rows, width)
            new_m = extra.neighbours.ravel()
            found = new_m >= 0
            if not found.any():
                break
            added_e = np.concatenate([added_e, new_e[found]])
            added_m = np.concatenate([added_m, new_m[found]])
            e, m, w = graph()
            result = capacitated_assignment(
                len(left), len(right), left_pos[e], right_pos[m], to_int(w) + 1, capacity
            )
    used = result.used
    pairs = [(int(a), int(b)) for a, b in zip(e[used].tolist(), m[used].tolist(), strict=True)]
    objective = float(w[used].sum())
    if certified:
        bound, method = objective, "relaxed flow with certified thresholds: optimal"
    else:
        t = thresholds[left]
        by = np.where(np.isfinite(t), np.ceil(np.maximum(t, 0) * SCALE), 0).astype(np.int64)
        # an edge worth no more than its mentee's way out is dominated: the way out reaches
        # the same mentor (the hub reaches every mentor the must-have allows) with the same
        # capacity, so leaving such edges out (most of the augmenting pass's, the k-th best
        # ones) does not change the flow's optimum, only its size
        weight = to_int(w) + 1
        keep = weight > by[left_pos[e]]
        plain = capacitated_assignment(
            len(left),
            len(right),
            left_pos[e[keep]],
            right_pos[m[keep]],
            weight[keep],
            capacity,
            bypass=by,
            hub_of_left=hubs[0],
            hub_right=hubs[1],
        )
        bound, method = max(objective, plain.value / SCALE), "flow bound with certified thresholds"
    return BipartiteResult(
        pairs,
        objective,
        bound,
        certified,
        "min-cost flow (OR-Tools)" + (" certified exact" if certified else f", k={kk}"),
        method,
        kk,
        _listed_counts(listed_keys() // model.n, left),
    )


def _listed_counts(mentees: np.ndarray, left: np.ndarray) -> dict[int, int]:
    """How many mentors each mentee's candidate list holds (one entry per listed pair)."""
    counts = np.bincount(mentees, minlength=int(left.max(initial=0)) + 1)
    return dict(zip(left.tolist(), counts[left].tolist(), strict=True))


def _hubs(
    model: ScoreModel, left: np.ndarray, right: np.ndarray
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Group mentees by the value of an ordered must-have (e.g. level); each group's way out
    may only use mentors within the must-have range, as any real outside mentor must be."""
    prune = model.prune_key()
    if prune is None:
        return np.zeros(len(left), np.int64), [np.arange(len(right), dtype=np.int64)]
    positions, limit = prune
    left_pos = positions[left]
    right_pos_values = positions[right]
    values = np.unique(left_pos[~np.isnan(left_pos)])
    groups = np.searchsorted(values, np.nan_to_num(left_pos, nan=np.inf))
    targets = [np.flatnonzero(np.abs(right_pos_values - value) <= limit + 1e-9) for value in values]
    targets.append(np.zeros(0, np.int64))  # mentees without a value: nobody
    return groups.astype(np.int64), targets

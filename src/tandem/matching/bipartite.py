"""Mentor -> mentee (and new hire -> buddy) with capacities: min-cost flow, optimal.

Most mentees assigned first, then the highest total score, exactly on the candidate graph (each
mentee's best ``k`` mentors). The optimum is certified over *all* mentors the same way as for
pairs: a relaxed flow lets each mentee take a "way out" worth ``t_e`` (the bound on any mentor
outside their list) without using capacity. If nobody takes it, the assignment is optimal over
every feasible pair; otherwise those mentees' lists are lengthened and the flow is solved again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from tandem.matching.candidates import (
    Candidates,
    Progress,
    all_feasible,
    scan_topk,
    unique_ints,
)
from tandem.matching.flow import SCALE, Assignment, capacitated_assignment, to_int
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


class Graph(NamedTuple):
    """The candidate graph of one round: (mentee, mentor) edges and their exact scores."""

    mentee: np.ndarray
    mentor: np.ndarray
    weight: np.ndarray


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
    return MentorAssignment(model, left, right, capacity, seed=seed, k=kk).run(progress)


class MentorAssignment:
    """Candidate lists of every mentee, grown until the relaxed flow certifies them (or, for
    large instances, completed by an augmenting pass), then the assignment and its bound."""

    def __init__(
        self,
        model: ScoreModel,
        left: np.ndarray,
        right: np.ndarray,
        capacity: np.ndarray,
        *,
        seed: int,
        k: int,
    ) -> None:
        self.model = model
        self.left = left
        self.right = right
        self.capacity = capacity
        self.seed = seed
        self.k = k
        self.lists: dict[int, np.ndarray] = {}
        self.thresholds = np.full(model.n, -np.inf)
        self.row_k = dict.fromkeys(left.tolist(), k)
        self.base: list[np.ndarray] = []  # the lists as (mentee, mentor) arrays, until they change
        self.right_pos = np.full(model.n, -1, np.int64)
        self.right_pos[right] = np.arange(len(right))
        self.left_pos = np.full(model.n, -1, np.int64)
        self.left_pos[left] = np.arange(len(left))
        # mentors added to everyone's lists by the augmenting pass (mentee, mentor), kept apart
        self.added_e = np.zeros(0, np.int64)
        self.added_m = np.zeros(0, np.int64)
        self.scored_keys = np.zeros(0, np.int64)  # pairs scored so far, and their scores
        self.scored_values = np.zeros(0)
        self.hubs = _hubs(model, left, right)
        self.pairs_count = len(left) * len(right)

    def run(self, progress: Progress | None) -> BipartiteResult:
        self._initial_lists(progress)
        graph = self._graph()
        # large instances skip the certificate loop (each round rescans many mentees): the
        # assignment on the candidate graph is reported with the flow bound and its gap
        rounds = MAX_ROUNDS if self.pairs_count <= LAST_RESORT_LIMIT else 0
        graph, result = self._certify(graph, rounds, progress)
        certified = result is not None
        if result is None:
            graph, result = self._augment(graph, self._flow(graph))
        used = result.used
        pairs = [
            (int(a), int(b))
            for a, b in zip(graph.mentee[used].tolist(), graph.mentor[used].tolist(), strict=True)
        ]
        objective = float(graph.weight[used].sum())
        if certified:
            bound, method = objective, "relaxed flow with certified thresholds: optimal"
        else:
            bound, method = (
                self._flow_bound(graph, objective),
                "flow bound with certified thresholds",
            )
        return BipartiteResult(
            pairs,
            objective,
            bound,
            certified,
            "min-cost flow (OR-Tools)" + (" certified exact" if certified else f", k={self.k}"),
            method,
            self.k,
            _listed_counts(self._listed_keys() // self.model.n, self.left),
        )

    # --- candidate lists ------------------------------------------------------------------------

    def _initial_lists(self, progress: Progress | None) -> None:
        left, right = self.left, self.right
        if self.pairs_count <= COMPLETE_LIMIT:  # small: every feasible pair, one round
            self.row_k = dict.fromkeys(left.tolist(), len(right))
            self._absorb(scan_topk(self.model, len(right), rows=left, cols=right, seed=self.seed))
        else:
            self._absorb(
                scan_topk(
                    self.model, self.k, rows=left, cols=right, seed=self.seed, progress=progress
                )
            )

    def _absorb(self, cands: Candidates) -> None:
        self.base.clear()
        for i, r in enumerate(cands.rows.tolist()):
            nb = cands.neighbours[i]
            self.lists[r] = nb[nb >= 0]
            self.thresholds[r] = cands.threshold[i]

    def _grow_lists(self, takers: np.ndarray, round_: int) -> None:
        """Lengthen the lists of the mentees who took the way out: x4, and complete in the
        last rounds (with everyone not yet complete just before the last), so it certifies."""
        grow = set(takers.tolist())
        if round_ == MAX_ROUNDS - 2 and self.pairs_count <= LAST_RESORT_LIMIT:
            grow |= {g for g in self.left.tolist() if self.row_k[g] < len(self.right)}
        groups: dict[int, list[int]] = {}
        for g in sorted(grow):
            grown = len(self.right) if round_ >= MAX_ROUNDS - 3 else self.row_k[g] * 4
            self.row_k[g] = len(self.right) if round_ == MAX_ROUNDS - 2 else grown
            groups.setdefault(self.row_k[g], []).append(g)
        for size, rows in groups.items():
            arr = np.array(rows, np.int64)
            if size >= len(self.right):
                self._absorb(all_feasible(self.model, arr, self.right))
            else:
                self._absorb(scan_topk(self.model, size, rows=arr, cols=self.right, seed=self.seed))

    def _listed_keys(self) -> np.ndarray:
        if not self.base:
            left = self.left.tolist()
            lens = np.array([len(self.lists[r]) for r in left], np.int64)
            self.base[:] = [
                np.repeat(self.left, lens),
                np.concatenate([self.lists[r] for r in left]),
            ]
        e = np.concatenate([self.base[0], self.added_e])
        m = np.concatenate([self.base[1], self.added_m])
        return unique_ints(e * self.model.n + m)

    def _graph(self) -> Graph:
        """The listed pairs plus feasible wishes across the two sides, with their scores."""
        n = self.model.n
        keys = self._listed_keys()
        e, m = keys // n, keys % n
        pu, pv = self.model.preferred_pairs
        if len(pu):  # wishes across the two sides are always candidates
            a = np.concatenate([pu, pv])
            b = np.concatenate([pv, pu])
            ok = (self.left_pos[a] >= 0) & (self.right_pos[b] >= 0)
            a, b = a[ok], b[ok]
            ok = self.model.feasible(a, b)
            e, m = np.concatenate([e, a[ok]]), np.concatenate([m, b[ok]])
        keys = unique_ints(e * n + m)
        e, m = keys // n, keys % n
        return Graph(e, m, self._scores(keys, e, m))

    def _scores(self, keys: np.ndarray, e: np.ndarray, m: np.ndarray) -> np.ndarray:
        """Score only the pairs not scored in an earlier round (scores are exact per pair)."""
        w = np.empty(len(keys))
        known = np.zeros(len(keys), bool)
        if len(self.scored_keys):
            pos = np.searchsorted(self.scored_keys, keys).clip(0, len(self.scored_keys) - 1)
            known = self.scored_keys[pos] == keys
            w[known] = self.scored_values[pos[known]]
        w[~known] = self.model.scores(e[~known], m[~known])
        self.scored_keys, self.scored_values = keys, w
        return w

    # --- flows ----------------------------------------------------------------------------------

    def _flow(self, graph: Graph) -> Assignment:
        """Most mentees first, then the highest total, on the candidate graph."""
        return capacitated_assignment(
            len(self.left),
            len(self.right),
            self.left_pos[graph.mentee],
            self.right_pos[graph.mentor],
            to_int(graph.weight) + 1,
            self.capacity,
        )

    def _certify(
        self, graph: Graph, rounds: int, progress: Progress | None
    ) -> tuple[Graph, Assignment | None]:
        """The relaxed flow, where each mentee may take a way out worth ``t_e``; returns its
        assignment once nobody takes it (optimal over all pairs), else None."""
        for round_ in range(rounds):
            t = self.thresholds[self.left]
            bypass = np.where(np.isfinite(t), np.ceil(np.maximum(t, 0) * SCALE) + 1, 0)
            result = capacitated_assignment(
                len(self.left),
                len(self.right),
                self.left_pos[graph.mentee],
                self.right_pos[graph.mentor],
                to_int(graph.weight) + 1,
                self.capacity,
                bypass=bypass.astype(np.int64),
                hub_of_left=self.hubs[0],
                hub_right=self.hubs[1],
            )
            if progress is not None:
                progress(min(0.95, 0.7 + 0.08 * round_), "assignment")
            takers = self.left[result.bypass_used]
            if len(takers) == 0:
                return graph, result
            if round_ == rounds - 1:
                break
            self._grow_lists(takers, round_)
            graph = self._graph()
        return graph, None

    def _augment(self, graph: Graph, result: Assignment) -> tuple[Graph, Assignment]:
        """Nobody stays unassigned while a feasible mentor has room: every mentee learns their
        best few mentors with room, and the flow is solved again. A waiting mentee may get a
        seat that someone else frees by moving to one of those (an augmenting chain)."""
        left, right = self.left, self.right
        large = self.pairs_count > LAST_RESORT_LIMIT
        for _ in range(1 if large else AUGMENT_ROUNDS):
            load = np.bincount(self.right_pos[graph.mentor[result.used]], minlength=len(right))
            room = right[load < self.capacity]
            assigned = np.zeros(self.model.n, bool)
            assigned[graph.mentee[result.used]] = True
            waiting = left[~assigned[left] & np.isfinite(self.thresholds[left])]
            if len(room) == 0 or len(waiting) == 0:
                break
            extra = scan_topk(self.model, min(3, len(room)), rows=left, cols=room, seed=self.seed)
            width = extra.neighbours.shape[1]
            new_e = np.repeat(extra.rows, width)
            new_m = extra.neighbours.ravel()
            found = new_m >= 0
            if not found.any():
                break
            self.added_e = np.concatenate([self.added_e, new_e[found]])
            self.added_m = np.concatenate([self.added_m, new_m[found]])
            graph = self._graph()
            result = self._flow(graph)
        return graph, result

    def _flow_bound(self, graph: Graph, objective: float) -> float:
        """The relaxed flow's value: each mentee's way out is worth their threshold."""
        t = self.thresholds[self.left]
        by = np.where(np.isfinite(t), np.ceil(np.maximum(t, 0) * SCALE), 0).astype(np.int64)
        # an edge worth no more than its mentee's way out is dominated: the way out reaches
        # the same mentor (the hub reaches every mentor the must-have allows) with the same
        # capacity, so leaving such edges out (most of the augmenting pass's, the k-th best
        # ones) does not change the flow's optimum, only its size
        weight = to_int(graph.weight) + 1
        keep = weight > by[self.left_pos[graph.mentee]]
        plain = capacitated_assignment(
            len(self.left),
            len(self.right),
            self.left_pos[graph.mentee[keep]],
            self.right_pos[graph.mentor[keep]],
            weight[keep],
            self.capacity,
            bypass=by,
            hub_of_left=self.hubs[0],
            hub_right=self.hubs[1],
        )
        return max(objective, plain.value / SCALE)


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

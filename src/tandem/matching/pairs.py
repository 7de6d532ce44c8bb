"""Peer pairs: maximum number of people matched first, then maximum total score.

Up to ``exact_limit`` people the answer is exact over *all* feasible pairs: a blossom algorithm
(rustworkx) solves a relaxed problem on the candidate graph where each person may instead take a
"way out" worth half of ``t_v`` (the certified bound on any score outside their list). If the
relaxed optimum takes no way out, it is a matching of the candidate graph whose value bounds every
matching of the complete graph, so it is optimal. Otherwise the lists of the people who took one
are lengthened and the relaxed problem is solved again.

Above the limit: the fractional matching LP on the candidate graph (min-cost flow on the double
cover), keep the edges at 1, then re-match everyone left over among themselves exactly. The upper
bound is the same LP with the ``t_v / 2`` bypass, valid over all pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import rustworkx as rx
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components, maximum_bipartite_matching

from tandem.matching.candidates import (
    Candidates,
    Progress,
    all_feasible,
    edges_from,
    scan_topk,
    unique_ints,
)
from tandem.matching.flow import SCALE, fractional_matching, to_int
from tandem.matching.scoring import ScoreModel

MAX_CERTIFY_ROUNDS = 8
MAX_LP_ROUNDS = 6
EXACT_COMPONENT = 600
COMPLETE_FALLBACK = 800


@dataclass
class PairResult:
    pairs: list[tuple[int, int]]
    objective: float
    bound: float
    certified: bool
    solver: str
    bound_method: str
    k: int
    isolated: list[int]


class CandidateGraph:
    """Candidate lists of a set of people, with their per-person thresholds, mutable."""

    def __init__(self, model: ScoreModel, active: np.ndarray, cands: Candidates) -> None:
        self.model = model
        self.active = active
        self.lists: dict[int, np.ndarray] = {}
        self.threshold: dict[int, float] = {}
        self.update(cands)

    def update(self, cands: Candidates) -> None:
        for i, row in enumerate(cands.rows.tolist()):
            nb = cands.neighbours[i]
            self.lists[row] = nb[nb >= 0]
            self.threshold[row] = float(cands.threshold[i])

    def edges(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rows = np.array(list(self.lists), np.int64)
        lens = np.array([len(self.lists[r]) for r in rows.tolist()], np.int64)
        u = np.repeat(rows, lens)
        v = np.concatenate([self.lists[r] for r in rows.tolist()]) if len(rows) else u
        pu, pv = self.model.preferred_pairs
        if len(pu):
            member = np.zeros(self.model.n, bool)
            member[self.active] = True
            ok = member[pu] & member[pv]
            ok[ok] = self.model.feasible(pu[ok], pv[ok])
            u, v = np.concatenate([u, pu[ok]]), np.concatenate([v, pv[ok]])
        n = self.model.n
        a, b = np.minimum(u, v), np.maximum(u, v)
        keys = unique_ints(a * n + b)
        eu, ev = keys // n, keys % n
        return eu, ev, self.model.scores(eu, ev)

    def t(self, nodes: np.ndarray) -> np.ndarray:
        return np.array([self.threshold[int(i)] for i in nodes], np.float64)


def _blossom(
    nodes: np.ndarray,
    u: np.ndarray,
    v: np.ndarray,
    weight: np.ndarray,
    dummy: np.ndarray | None = None,
    absorbers: int = 0,
    absorber_weight: int = 0,
) -> tuple[list[tuple[int, int]], list[int], int]:
    """Max-weight matching (integer weights) on local node ids. ``dummy[i] >= 0`` gives node i a
    private way-out node; ``absorbers`` extra nodes join every node. Returns the real pairs,
    the nodes that took their way out, and how many real nodes the absorbers took."""
    m = len(nodes)
    local = {int(g): i for i, g in enumerate(nodes.tolist())}
    graph = rx.PyGraph()
    extra = 0 if dummy is None else int((dummy >= 0).sum())
    graph.add_nodes_from(range(m + extra + absorbers))
    edges = [
        (local[a], local[b], int(w))
        for a, b, w in zip(u.tolist(), v.tolist(), weight.tolist(), strict=True)
    ]
    dummy_of: dict[int, int] = {}
    if dummy is not None:
        next_id = m
        for i, w in enumerate(dummy.tolist()):
            if w >= 0:
                edges.append((i, next_id, int(w)))
                dummy_of[next_id] = i
                next_id += 1
    first_absorber = m + extra
    for a in range(absorbers):
        edges.extend((i, first_absorber + a, absorber_weight) for i in range(m))
    graph.add_edges_from(edges)
    matching = rx.max_weight_matching(graph, max_cardinality=False, weight_fn=lambda w: w)
    pairs, dummies, absorbed = [], [], 0
    for a, b in matching:
        if a in dummy_of or b in dummy_of:
            dummies.append(dummy_of.get(a, dummy_of.get(b, -1)))
        elif a >= first_absorber or b >= first_absorber:
            absorbed += 1
        else:
            pairs.append((int(nodes[a]), int(nodes[b])))
    return pairs, [int(nodes[d]) for d in dummies], absorbed


def cardinality_upper_bound(model: ScoreModel, nodes: np.ndarray) -> int:
    """An upper bound on the maximum number of pairs over *all* feasible pairs: the fractional
    matching number (a maximum matching of the bipartite double cover), rounded down per
    connected component; exact (blossom on unit weights) for components of up to
    ``EXACT_COMPONENT`` people, which is where the holes of real programs are."""
    n = len(nodes)
    rows, cols = [], []
    for s in range(0, n, 512):
        block = nodes[s : s + 512]
        uu = np.repeat(block, n)
        vv = np.tile(nodes, len(block))
        ok = model.feasible(uu, vv)
        r = np.repeat(np.arange(s, s + len(block)), n)[ok]
        rows.append(r)
        cols.append(np.tile(np.arange(n), len(block))[ok])
    r = np.concatenate(rows)
    c = np.concatenate(cols)
    graph = sp.csr_matrix((np.ones(len(r), np.int8), (r, c)), shape=(n, n))
    count, labels = connected_components(graph, directed=False)
    total = 0
    for comp in range(count):
        members = np.flatnonzero(labels == comp)
        if len(members) < 2:
            continue
        sub = graph[members][:, members]
        if len(members) <= EXACT_COMPONENT:
            # small components (the usual holes): the exact maximum, by blossom on unit weights
            coo = sp.triu(sub, k=1).tocoo()
            unit = rx.PyGraph()
            unit.add_nodes_from(range(len(members)))
            unit.add_edges_from_no_data(list(zip(coo.row.tolist(), coo.col.tolist(), strict=True)))
            total += len(rx.max_weight_matching(unit, max_cardinality=True))
        else:
            mate = maximum_bipartite_matching(sub, perm_type="column")
            total += int((mate >= 0).sum()) // 2
    return total


def max_cardinality_pairs(
    model: ScoreModel, nodes: np.ndarray, u: np.ndarray, v: np.ndarray, w: np.ndarray
) -> list[tuple[int, int]]:
    """Exact: most pairs first, then most score, on the given graph."""
    if len(u) == 0:
        return []
    big = SCALE * (len(nodes) // 2 + 2)
    pairs, _, _ = _blossom(nodes, u, v, big + to_int(w))
    return pairs


def solve_exact(
    model: ScoreModel, active: np.ndarray, k: int, seed: int, progress: Progress | None
) -> PairResult:
    return ExactPairs(model, active, k, seed).solve(progress)


class ExactPairs:
    """Blossom on candidate lists, lengthened until the relaxed problem (a way out worth
    ``t_v / 2`` for everyone) takes no way out: then the matching is optimal over all pairs."""

    def __init__(self, model: ScoreModel, active: np.ndarray, k: int, seed: int) -> None:
        self.model = model
        self.active = active
        self.k = k
        self.seed = seed
        self.row_k = {int(i): k for i in active.tolist()}
        self.absorbers: int | None = None
        self.refined = False

    def solve(self, progress: Progress | None) -> PairResult:
        cands = scan_topk(self.model, self.k, rows=self.active, seed=self.seed, progress=progress)
        self.graph = CandidateGraph(self.model, self.active, cands)
        self._lp_prepass()
        certified = self._certify(progress)
        return certified if certified is not None else self._fallback()

    def _grow(self, people: list[int], final: bool = False) -> None:
        """Lengthen the lists of these people (x4, or complete)."""
        bigger: dict[int, list[int]] = {}
        for g in people:
            self.row_k[g] = len(self.active) if final else self.row_k[g] * 4
            bigger.setdefault(self.row_k[g], []).append(g)
        for kk, rows in bigger.items():
            rows_arr = np.array(rows, np.int64)
            if kk >= len(self.active) - 1:
                self.graph.update(all_feasible(self.model, rows_arr, self.active))
            else:
                self.graph.update(
                    scan_topk(self.model, kk, rows=rows_arr, cols=self.active, seed=self.seed)
                )

    def _lp_prepass(self) -> None:
        """Cheap: the LP of the relaxed problem shows who would take the way out."""
        for _ in range(MAX_LP_ROUNDS):
            u, v, w = self.graph.edges()
            if len(u) == 0:
                break
            big = SCALE * (len(self.active) // 2 + 2)
            t = _t_all(self.graph, self.model.n)
            finite = np.isfinite(t)
            bypass = np.where(finite, big + np.ceil(np.where(finite, t, 0) * SCALE), 0)
            lp = fractional_matching(
                self.model.n, u, v, 2 * (big + to_int(w)), bypass=bypass.astype(np.int64)
            )
            bypassed = np.flatnonzero(lp.bypass_used > 1e-9)
            takers = [int(i) for i in bypassed if finite[i]]
            if not takers:
                break
            self._grow(takers)

    def _certify(self, progress: Progress | None) -> PairResult | None:
        """Rounds of the relaxed blossom; the certified matching, or None if ties keep the
        relaxed optimum wandering from one way out to the next."""
        for round_ in range(MAX_CERTIFY_ROUNDS):
            u, v, w = self.graph.edges()
            nodes = unique_ints(np.concatenate([u, v]))
            isolated = sorted(set(self.active.tolist()) - set(nodes.tolist()))
            if len(nodes) < 2:
                return PairResult(
                    [], 0.0, 0.0, True, "blossom (certified)", "exact", self.k, isolated
                )
            if self.absorbers is None:
                self.absorbers = len(nodes) % 2
            pairs, dummies, absorbed = self._relaxed_blossom(nodes, u, v, w, self.absorbers)
            if progress is not None:
                progress(min(0.95, 0.6 + 0.05 * round_), "certifying")
            if not dummies:
                objective = _total(self.model, pairs)
                return PairResult(
                    pairs,
                    objective,
                    objective,
                    True,
                    "blossom (certified exact)",
                    "integral relaxation with certified thresholds: optimal",
                    self.k,
                    isolated,
                )
            self._refine_absorbers(nodes, pairs, dummies, absorbed)
            self._grow_after(nodes, pairs, dummies, final=round_ >= MAX_CERTIFY_ROUNDS - 3)
        return None

    def _relaxed_blossom(
        self, nodes: np.ndarray, u: np.ndarray, v: np.ndarray, w: np.ndarray, absorbers: int
    ) -> tuple[list[tuple[int, int]], list[int], int]:
        """Most pairs first (integer weights with a big constant), each node with a way out
        worth ``t_v / 2`` (weights doubled), and absorbers for the people nobody can pair."""
        big = SCALE * (len(nodes) // 2 + 2)
        t = self.graph.t(nodes)
        finite = np.isfinite(t)
        dummy = np.where(finite, big + np.ceil(np.where(finite, t, 0) * SCALE), -1)
        return _blossom(
            nodes, u, v, 2 * (big + to_int(w)), dummy.astype(np.int64), absorbers, 2 * big
        )

    def _refine_absorbers(
        self,
        nodes: np.ndarray,
        pairs: list[tuple[int, int]],
        dummies: list[int],
        absorbed: int,
    ) -> None:
        """People nobody can pair: absorb as many as no arrangement can pair (computed once,
        when the parity or the uncovered count shows the first guess is off)."""
        uncovered = len(nodes) - 2 * len(pairs) - len(dummies) - absorbed
        if not self.refined and (len(dummies) % 2 == 1 or uncovered > 0):
            self.absorbers = len(nodes) - 2 * cardinality_upper_bound(self.model, nodes)
            self.refined = True

    def _grow_after(
        self, nodes: np.ndarray, pairs: list[tuple[int, int]], dummies: list[int], *, final: bool
    ) -> None:
        """Lengthen the lists of everyone who took the way out, and of everyone left unmatched
        who still could (they are next in line when the graph changes)."""
        matched = {x for pair in pairs for x in pair}
        t_all = _t_all(self.graph, self.model.n)
        idle = [int(i) for i in nodes.tolist() if i not in matched and np.isfinite(t_all[i])]
        self._grow(sorted(set(dummies) | set(idle)), final=final)

    def _fallback(self) -> PairResult:
        """Could not certify: small instances take the complete feasible graph, where the
        blossom answer is exact; larger ones report the LP bound."""
        model, active = self.model, self.active
        complete = len(active) <= COMPLETE_FALLBACK
        if complete:
            self.graph.update(all_feasible(model, active, active))
        u, v, w = self.graph.edges()
        nodes = unique_ints(np.concatenate([u, v]))
        pairs = max_cardinality_pairs(model, nodes, u, v, w)
        objective = _total(model, pairs)
        isolated = sorted(set(active.tolist()) - set(nodes.tolist()))
        if complete:
            solver = "blossom on all feasible pairs (certified exact)"
            return PairResult(
                pairs,
                objective,
                objective,
                True,
                solver,
                "complete graph: optimal",
                self.k,
                isolated,
            )
        return PairResult(
            pairs,
            objective,
            max(lp_bound(model, self.graph), objective),
            False,
            "blossom on candidate graph",
            "LP relaxation with certified thresholds",
            self.k,
            isolated,
        )


def _total(model: ScoreModel, pairs: list[tuple[int, int]]) -> float:
    return float(model.scores(*_cols(pairs)).sum()) if pairs else 0.0


def _t_all(graph: CandidateGraph, n: int) -> np.ndarray:
    t = np.full(n, -np.inf)
    for node, value in graph.threshold.items():
        t[node] = value
    return t


def _cols(pairs: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    arr = np.array(pairs, np.int64).reshape(-1, 2)
    return arr[:, 0], arr[:, 1]


def lp_bound(
    model: ScoreModel,
    graph: CandidateGraph,
    edges: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> float:
    """max Σ w x + Σ (t_v/2) z over the candidate graph: valid for the complete graph.

    Solved in the equivalent reduced form Σ t_v/2 + LP(max(0, w_uv - (t_u + t_v)/2)), where
    only the edges with a positive reduced weight matter (rounded up, so still a bound).
    ``edges`` are ``graph.edges()`` when the caller has them already."""
    u, v, w = graph.edges() if edges is None else edges
    t = np.maximum(np.nan_to_num(_t_all(graph, model.n), neginf=0.0), 0.0)
    reduced = w - 0.5 * (t[u] + t[v])
    keep = reduced > 0
    base = 0.5 * float(t.sum())
    if not keep.any():
        return base
    weights = np.ceil(reduced[keep] * SCALE).astype(np.int64) + 1
    result = fractional_matching(model.n, u[keep], v[keep], weights)
    return base + result.value / SCALE


def solve_lp_rounding(
    model: ScoreModel, active: np.ndarray, k: int, seed: int, progress: Progress | None
) -> PairResult:
    cands = scan_topk(model, k, rows=active, seed=seed, progress=progress)
    graph = CandidateGraph(model, active, cands)
    u, v, w = graph.edges()
    n = model.n
    if progress is not None:
        progress(0.7, "fractional matching")
    # plain weights (+1 so that zero scores still pair): the cardinality is settled by the
    # exact most-pairs-first re-match of everyone the rounding leaves over
    lp = fractional_matching(n, u, v, to_int(w) + 1)
    one = lp.x > 0.99
    mate = np.full(n, -1, np.int64)
    mate[u[one]] = v[one]
    mate[v[one]] = u[one]
    pairs = [(int(a), int(b)) for a, b in zip(u[one].tolist(), v[one].tolist(), strict=True)]
    if progress is not None:
        progress(0.8, "re-matching the rest")
    has_edges = np.zeros(n, bool)
    has_edges[u] = True
    has_edges[v] = True
    left = active[(mate[active] < 0) & has_edges[active]]
    pairs += rematch_leftovers(model, left, seed)
    isolated = sorted(int(i) for i in active[~has_edges[active]])
    objective = _total(model, pairs)
    if progress is not None:
        progress(0.9, "upper bound")
    bound = lp_bound(model, graph, (u, v, w))
    return PairResult(
        pairs,
        objective,
        max(bound, objective),
        False,
        f"LP (min-cost flow, double cover) + rounding + exact re-match, k={k}",
        "LP relaxation with certified thresholds",
        k,
        isolated,
    )


def rematch_leftovers(model: ScoreModel, left: np.ndarray, seed: int) -> list[tuple[int, int]]:
    """Pair the people left over among themselves: exact on their own candidate graph, then
    make sure no two who could still be paired stay apart."""
    pairs: list[tuple[int, int]] = []
    if len(left) < 2:
        return pairs
    if len(left) <= 400:
        cands = all_feasible(model, left, left)
    else:
        cands = scan_topk(model, 30, rows=left, seed=seed)
    u, v = edges_from(cands, n=model.n)
    if len(u):
        nodes = unique_ints(np.concatenate([u, v]))
        pairs = max_cardinality_pairs(model, nodes, u, v, model.scores(u, v))
    matched = {i for p in pairs for i in p}
    rest = np.array([i for i in left.tolist() if i not in matched], np.int64)
    if 2 <= len(rest) <= 3000:
        cands = all_feasible(model, rest, rest)
        u, v = edges_from(cands, n=model.n)
        if len(u):
            nodes = unique_ints(np.concatenate([u, v]))
            pairs += max_cardinality_pairs(model, nodes, u, v, model.scores(u, v))
    return pairs


def default_k(n: int, exact: bool) -> int:
    if exact:
        return 20
    return 10 if n > 50_000 else 20


def solve_pairs(
    model: ScoreModel,
    active: np.ndarray,
    *,
    seed: int = 0,
    exact_limit: int = 3000,
    k: int | None = None,
    progress: Progress | None = None,
) -> PairResult:
    exact = len(active) <= exact_limit
    kk = k or default_k(len(active), exact)
    if len(active) < 2:
        return PairResult(
            [], 0.0, 0.0, True, "trivial", "exact", kk, [int(i) for i in active.tolist()]
        )
    if exact:
        return solve_exact(model, active, kk, seed, progress)
    return solve_lp_rounding(model, active, kk, seed, progress)

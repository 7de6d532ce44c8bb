"""Circles: groups of about ``group_size`` people maximising the sum of within-group pair scores.

Grouping is NP-hard, so this is a heuristic with a measured gap: hard-to-place people seed
groups first, each group grows by the candidate with the best total score to its members (all
pairs feasible), and then rounds of improving swaps between groups run until none helps. The
upper bound relaxes groups to a degree-constrained subgraph (b-matching LP with degree
``size - 1``) on the candidate graph plus the certified thresholds, valid over all pairs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from tandem.matching.candidates import Candidates, Progress, edges_from, scan_topk
from tandem.matching.flow import SCALE, fractional_matching, to_int
from tandem.matching.scoring import ScoreModel

SWAP_PASSES = 15


@dataclass
class CirclesResult:
    groups: list[list[int]]
    objective: float
    bound: float
    solver: str
    bound_method: str
    k: int


def group_sizes(n: int, target: int) -> list[int]:
    if n < 2:
        return []
    count = max(1, round(n / target))
    base, extra = divmod(n, count)
    return [base + 1] * extra + [base] * (count - extra)


def _score_to_members(
    model: ScoreModel, people: np.ndarray, members: list[int]
) -> tuple[np.ndarray, np.ndarray]:
    """Sum of scores of each candidate with the members, and whether all pairs are feasible."""
    if not members:
        return np.zeros(len(people)), np.ones(len(people), bool)
    u = np.repeat(people, len(members))
    v = np.tile(np.array(members, np.int64), len(people))
    s = model.scores(u, v).reshape(len(people), len(members)).sum(axis=1)
    ok = model.feasible(u, v).reshape(len(people), len(members)).all(axis=1)
    return np.asarray(s), np.asarray(ok)


def solve_circles(
    model: ScoreModel,
    active: np.ndarray,
    group_size: int,
    *,
    seed: int = 0,
    k: int | None = None,
    progress: Progress | None = None,
    locked: list[list[int]] | None = None,
) -> CirclesResult:
    rng = np.random.default_rng(seed)
    active = np.asarray(active, np.int64)
    kk = k or max(20, 3 * group_size)
    locked_groups = [list(g) for g in (locked or [])]
    sizes = group_sizes(len(active) + sum(len(g) for g in locked_groups), group_size)
    if not sizes:
        return CirclesResult([], 0.0, 0.0, "trivial", "exact", kk)
    cands = scan_topk(model, kk, rows=active, seed=seed, progress=progress)
    lists = {
        int(r): cands.neighbours[i][cands.neighbours[i] >= 0]
        for i, r in enumerate(cands.rows.tolist())
    }
    groups = _initial_groups(model, active, lists, sizes, locked_groups, rng)
    groups = _improve(model, groups, lists, len(locked_groups), progress)
    groups = [g for g in groups if len(g) >= 2]
    objective = float(sum(_group_total(model, g) for g in groups))
    if progress is not None:
        progress(0.95, "upper bound")
    bound = _bound(model, active, cands, max(sizes), objective)
    return CirclesResult(
        groups,
        objective,
        bound,
        "greedy growth + swap local search",
        "b-matching LP (degree size-1) with certified thresholds",
        kk,
    )


def _initial_groups(
    model: ScoreModel,
    active: np.ndarray,
    lists: dict[int, np.ndarray],
    sizes: list[int],
    locked: list[list[int]],
    rng: np.random.Generator,
) -> list[list[int]]:
    """The locked groups, then one group per remaining size, each seeded by the hardest person
    to place left (fewest candidates), then whoever is left where they fit best."""
    degree = np.array([len(lists[int(r)]) for r in active.tolist()])
    order = active[np.lexsort((rng.random(len(active)), degree))]
    unassigned = np.zeros(model.n, bool)
    unassigned[active] = True
    groups: list[list[int]] = [list(g) for g in locked]
    for g in groups:
        unassigned[g] = False
    targets = sizes[len(groups) :] if len(sizes) > len(groups) else []
    pointer = 0
    for target in targets:
        while pointer < len(order) and not unassigned[order[pointer]]:
            pointer += 1
        if pointer >= len(order):
            break
        groups.append(_grow_group(model, int(order[pointer]), target, lists, unassigned, rng))
    _place_leftovers(model, groups, unassigned, max(sizes))
    return groups


def _grow_group(
    model: ScoreModel,
    seed_id: int,
    target: int,
    lists: dict[int, np.ndarray],
    unassigned: np.ndarray,
    rng: np.random.Generator,
) -> list[int]:
    """Add the candidate with the best total score to the members (all pairs feasible) until
    the group has its size; candidates come from the members' lists, else a random sample."""
    members = [seed_id]
    unassigned[seed_id] = False
    while len(members) < target:
        pool = np.unique(np.concatenate([lists[m] for m in members if m in lists]))
        pool = pool[unassigned[pool]] if len(pool) else pool
        if len(pool) == 0:
            rest = np.flatnonzero(unassigned)
            pool = rng.choice(rest, size=min(len(rest), 256), replace=False) if len(rest) else rest
        if len(pool) == 0:
            break
        s, ok = _score_to_members(model, pool, members)
        if not ok.any():
            break
        best = int(pool[np.argmax(np.where(ok, s, -np.inf))])
        members.append(best)
        unassigned[best] = False
    return members


def _place_leftovers(
    model: ScoreModel, groups: list[list[int]], unassigned: np.ndarray, max_size: int
) -> None:
    for person in np.flatnonzero(unassigned).tolist():
        best_group = _best_group_for(model, person, groups, max_size)
        if best_group >= 0:
            groups[best_group].append(person)
            unassigned[person] = False


def _best_group_for(model: ScoreModel, person: int, groups: list[list[int]], max_size: int) -> int:
    """The group with room where ``person`` adds the most score (all pairs feasible), or -1.
    A group still smaller than 3 may grow one past the largest size."""
    best_gain, best_group = -np.inf, -1
    for gi, members in enumerate(groups):
        if len(members) >= max_size + (0 if len(members) >= 3 else 1):
            continue
        s, ok = _score_to_members(model, np.array([person]), members)
        if ok[0] and s[0] > best_gain:
            best_gain, best_group = float(s[0]), gi
    return best_group


def _group_total(model: ScoreModel, members: list[int]) -> float:
    if len(members) < 2:
        return 0.0
    a, b = np.triu_indices(len(members), 1)
    m = np.array(members, np.int64)
    return float(model.scores(m[a], m[b]).sum())


def _improve(
    model: ScoreModel,
    groups: list[list[int]],
    lists: dict[int, np.ndarray],
    locked_count: int,
    progress: Progress | None,
) -> list[list[int]]:
    """Rounds of improving swaps (a in A, c in C -> a in C, c in A), vectorised."""
    if len(groups) < 2:
        return groups
    return SwapSearch(model, groups, locked_count).run(lists, progress)


class Swaps(NamedTuple):
    """Candidate swaps: ``a`` (in group ``ga``) trades places with ``c`` (in group ``gc``)."""

    a: np.ndarray
    c: np.ndarray
    ga: np.ndarray
    gc: np.ndarray


class SwapSearch:
    """Groups as a member table (-1 = empty seat); locked groups never trade members."""

    def __init__(self, model: ScoreModel, groups: list[list[int]], locked_count: int) -> None:
        self.model = model
        self.width = max(len(g) for g in groups)
        self.table = np.full((len(groups), self.width), -1, np.int64)
        for gi, g in enumerate(groups):
            self.table[gi, : len(g)] = g
        self.group_of = np.full(model.n, -1, np.int64)
        for gi, g in enumerate(groups):
            self.group_of[g] = gi
        self.movable = np.ones(len(groups), bool)
        self.movable[:locked_count] = False
        self.people = np.array([p for g in groups[locked_count:] for p in g], np.int64)

    def run(self, lists: dict[int, np.ndarray], progress: Progress | None) -> list[list[int]]:
        for pass_ in range(SWAP_PASSES):
            swaps = self._candidate_swaps(lists)
            if swaps is None:
                break
            gain, good = self._gains(swaps)
            if not good.any():
                break
            applied = self._apply(swaps, gain, good)
            if progress is not None:
                progress(min(0.9, 0.6 + 0.05 * pass_), "improving groups")
            if applied == 0:
                break
        return [[int(p) for p in row if p >= 0] for row in self.table]

    def _candidate_swaps(self, lists: dict[int, np.ndarray]) -> Swaps | None:
        """Each movable person with their 15 best candidates in another movable group."""
        a_list, c_list = [], []
        for a in self.people.tolist():
            nb = lists.get(a)
            if nb is None or len(nb) == 0:
                continue
            nb = nb[:15]
            a_list.append(np.full(len(nb), a))
            c_list.append(nb)
        if not a_list:
            return None
        a = np.concatenate(a_list)
        c = np.concatenate(c_list)
        ga, gc = self.group_of[a], self.group_of[c]
        ok = (ga >= 0) & (gc >= 0) & (ga != gc)
        ok[ok] &= self.movable[ga[ok]] & self.movable[gc[ok]]
        if not ok.any():
            return None
        return Swaps(a[ok], c[ok], ga[ok], gc[ok])

    def _gains(self, swaps: Swaps) -> tuple[np.ndarray, np.ndarray]:
        """Score gained by each swap, and whether it keeps every pair in both groups feasible."""
        a, c = swaps.a, swaps.c
        mem_a = self.table[swaps.ga]  # members of A
        mem_c = self.table[swaps.gc]
        valid_a = (mem_a >= 0) & (mem_a != a[:, None])
        valid_c = (mem_c >= 0) & (mem_c != c[:, None])
        a_in_a, _ = self._sums(a, mem_a, valid_a)
        a_in_c, a_fits_c = self._sums(a, mem_c, valid_c)
        c_in_c, _ = self._sums(c, mem_c, valid_c)
        c_in_a, c_fits_a = self._sums(c, mem_a, valid_a)
        gain = (a_in_c - a_in_a) + (c_in_a - c_in_c)
        return gain, (gain > 1e-9) & a_fits_c & c_fits_a

    def _sums(
        self, x: np.ndarray, mem: np.ndarray, valid: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Each x's total score with the valid members of its row, and whether all are feasible."""
        width = self.width
        xx = np.repeat(x, width)
        mm = mem.ravel()
        vv = valid.ravel()
        s = np.zeros(len(xx))
        f = np.ones(len(xx), bool)
        s[vv] = self.model.scores(xx[vv], mm[vv])
        f[vv] = self.model.feasible(xx[vv], mm[vv])
        owner = np.repeat(np.arange(len(x)), width)
        total = np.bincount(owner, weights=s, minlength=len(x))
        feasible = np.bincount(owner, weights=(~f).astype(float), minlength=len(x)) == 0
        return total, feasible

    def _apply(self, swaps: Swaps, gain: np.ndarray, good: np.ndarray) -> int:
        """The best swaps first, at most one per group in a pass (later gains are stale)."""
        idx = np.flatnonzero(good)
        idx = idx[np.argsort(-gain[idx], kind="stable")]
        touched = np.zeros(len(self.table), bool)
        applied = 0
        for t in idx.tolist():
            x, y = int(swaps.ga[t]), int(swaps.gc[t])
            if touched[x] or touched[y]:
                continue
            touched[x] = touched[y] = True
            pa, pc = int(swaps.a[t]), int(swaps.c[t])
            self.table[x][self.table[x] == pa] = pc
            self.table[y][self.table[y] == pc] = pa
            self.group_of[pa], self.group_of[pc] = y, x
            applied += 1
        return applied


def _bound(
    model: ScoreModel, active: np.ndarray, cands: Candidates, max_size: int, objective: float
) -> float:
    u, v = edges_from(cands, n=model.n)
    w = model.scores(u, v)
    t = np.full(model.n, -np.inf)
    t[cands.rows] = cands.threshold
    bypass = np.where(np.isfinite(t), np.ceil(np.maximum(t, 0) * SCALE / 2), 0).astype(np.int64)
    cap = np.zeros(model.n, np.int64)
    cap[active] = max_size - 1
    lp = fractional_matching(model.n, u, v, to_int(w) + 1, bypass=bypass * 1, capacity=cap)
    return max(objective, lp.value / SCALE)

"""Circles: groups of about ``group_size`` people maximising the sum of within-group pair scores.

Grouping is NP-hard, so this is a heuristic with a measured gap: hard-to-place people seed
groups first, each group grows by the candidate with the best total score to its members (all
pairs feasible), and then rounds of improving swaps between groups run until none helps. The
upper bound relaxes groups to a degree-constrained subgraph (b-matching LP with degree
``size - 1``) on the candidate graph plus the certified thresholds, valid over all pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    sizes = group_sizes(len(active) + sum(len(g) for g in (locked or [])), group_size)
    if not sizes:
        return CirclesResult([], 0.0, 0.0, "trivial", "exact", kk)
    max_size = max(sizes)
    cands = scan_topk(model, kk, rows=active, seed=seed, progress=progress)
    lists = {
        int(r): cands.neighbours[i][cands.neighbours[i] >= 0]
        for i, r in enumerate(cands.rows.tolist())
    }
    degree = np.array([len(lists[int(r)]) for r in active.tolist()])
    order = active[np.lexsort((rng.random(len(active)), degree))]
    unassigned = np.zeros(model.n, bool)
    unassigned[active] = True
    groups: list[list[int]] = [list(g) for g in (locked or [])]
    for g in groups:
        unassigned[g] = False
    targets = sizes[len(groups) :] if len(sizes) > len(groups) else []
    pointer = 0
    for target in targets:
        while pointer < len(order) and not unassigned[order[pointer]]:
            pointer += 1
        if pointer >= len(order):
            break
        seed_id = int(order[pointer])
        members = [seed_id]
        unassigned[seed_id] = False
        while len(members) < target:
            pool = np.unique(np.concatenate([lists[m] for m in members if m in lists]))
            pool = pool[unassigned[pool]] if len(pool) else pool
            if len(pool) == 0:
                rest = np.flatnonzero(unassigned)
                pool = (
                    rng.choice(rest, size=min(len(rest), 256), replace=False) if len(rest) else rest
                )
            if len(pool) == 0:
                break
            s, ok = _score_to_members(model, pool, members)
            if not ok.any():
                break
            best = int(pool[np.argmax(np.where(ok, s, -np.inf))])
            members.append(best)
            unassigned[best] = False
        groups.append(members)
    # place whoever is left where they fit best
    for person in np.flatnonzero(unassigned).tolist():
        best_gain, best_group = -np.inf, -1
        for gi, members in enumerate(groups):
            if len(members) >= max_size + (0 if len(members) >= 3 else 1):
                continue
            s, ok = _score_to_members(model, np.array([person]), members)
            if ok[0] and s[0] > best_gain:
                best_gain, best_group = float(s[0]), gi
        if best_group >= 0:
            groups[best_group].append(person)
            unassigned[person] = False
    locked_count = len(locked or [])
    groups = _improve(model, groups, lists, locked_count, progress)
    groups = [g for g in groups if len(g) >= 2]
    objective = float(sum(_group_total(model, g) for g in groups))
    if progress is not None:
        progress(0.95, "upper bound")
    bound = _bound(model, active, cands, max_size, objective)
    return CirclesResult(
        groups,
        objective,
        bound,
        "greedy growth + swap local search",
        "b-matching LP (degree size-1) with certified thresholds",
        kk,
    )


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
    width = max(len(g) for g in groups)
    table = np.full((len(groups), width), -1, np.int64)
    for gi, g in enumerate(groups):
        table[gi, : len(g)] = g
    group_of = np.full(model.n, -1, np.int64)
    for gi, g in enumerate(groups):
        group_of[g] = gi
    movable = np.ones(len(groups), bool)
    movable[:locked_count] = False
    people = np.array([p for g in groups[locked_count:] for p in g], np.int64)
    for pass_ in range(SWAP_PASSES):
        a_list, c_list = [], []
        for a in people.tolist():
            nb = lists.get(a)
            if nb is None or len(nb) == 0:
                continue
            nb = nb[:15]
            a_list.append(np.full(len(nb), a))
            c_list.append(nb)
        if not a_list:
            break
        a = np.concatenate(a_list)
        c = np.concatenate(c_list)
        ga, gc = group_of[a], group_of[c]
        ok = (ga >= 0) & (gc >= 0) & (ga != gc)
        ok[ok] &= movable[ga[ok]] & movable[gc[ok]]
        a, c, ga, gc = a[ok], c[ok], ga[ok], gc[ok]
        if len(a) == 0:
            break
        # candidate swaps: a moves to C (replacing c), c moves to A (replacing a)
        mem_a = table[ga]  # members of A
        mem_c = table[gc]
        valid_a = (mem_a >= 0) & (mem_a != a[:, None])
        valid_c = (mem_c >= 0) & (mem_c != c[:, None])

        def sums(
            x: np.ndarray, mem: np.ndarray, valid: np.ndarray
        ) -> tuple[np.ndarray, np.ndarray]:
            xx = np.repeat(x, width)
            mm = mem.ravel()
            vv = valid.ravel()
            s = np.zeros(len(xx))
            f = np.ones(len(xx), bool)
            s[vv] = model.scores(xx[vv], mm[vv])
            f[vv] = model.feasible(xx[vv], mm[vv])
            owner = np.repeat(np.arange(len(x)), width)
            total = np.bincount(owner, weights=s, minlength=len(x))
            feasible = np.bincount(owner, weights=(~f).astype(float), minlength=len(x)) == 0
            return total, feasible

        a_in_a, _ = sums(a, mem_a, valid_a)
        a_in_c, a_fits_c = sums(a, mem_c, valid_c)
        c_in_c, _ = sums(c, mem_c, valid_c)
        c_in_a, c_fits_a = sums(c, mem_a, valid_a)
        gain = (a_in_c - a_in_a) + (c_in_a - c_in_c)
        good = (gain > 1e-9) & a_fits_c & c_fits_a
        if not good.any():
            break
        idx = np.flatnonzero(good)
        idx = idx[np.argsort(-gain[idx], kind="stable")]
        touched = np.zeros(len(groups), bool)
        applied = 0
        for t in idx.tolist():
            x, y = int(ga[t]), int(gc[t])
            if touched[x] or touched[y]:
                continue
            touched[x] = touched[y] = True
            pa, pc = int(a[t]), int(c[t])
            table[x][table[x] == pa] = pc
            table[y][table[y] == pc] = pa
            group_of[pa], group_of[pc] = y, x
            applied += 1
        if progress is not None:
            progress(min(0.9, 0.6 + 0.05 * pass_), "improving groups")
        if applied == 0:
            break
    return [[int(p) for p in row if p >= 0] for row in table]


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

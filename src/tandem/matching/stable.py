"""Stable assignment for programs where people rank each other.

* ``hospital_residents``: mentee-optimal stable assignment of mentees (residents) to mentors
  (hospitals with capacities), by mentee-proposing deferred acceptance (Gale-Shapley).
* ``stable_roommates``: Irving's algorithm for one population with incomplete lists; returns
  ``None`` when no stable matching exists (common for realistic preferences).

Both take plain preference lists (best first) keyed by any hashable id and are checked against
the ``matching`` package (daffidwilde/matching) in the tests.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def hospital_residents(
    resident_prefs: Mapping[K, Sequence[K]],
    hospital_prefs: Mapping[K, Sequence[K]],
    capacities: Mapping[K, int],
) -> dict[K, K | None]:
    """Resident-optimal stable matching; a pair is acceptable only if both list each other."""
    rank = {h: {r: i for i, r in enumerate(prefs)} for h, prefs in hospital_prefs.items()}
    prefs = {r: [h for h in hs if h in rank and r in rank[h]] for r, hs in resident_prefs.items()}
    nxt = dict.fromkeys(prefs, 0)
    held: dict[K, list[K]] = {h: [] for h in hospital_prefs}
    match: dict[K, K | None] = dict.fromkeys(prefs)
    free = deque(sorted(prefs, key=str))
    while free:
        r = free.popleft()
        if nxt[r] >= len(prefs[r]):
            continue
        h = prefs[r][nxt[r]]
        nxt[r] += 1
        held[h].append(r)
        match[r] = h
        if len(held[h]) > capacities.get(h, 1):
            worst = max(held[h], key=lambda x: rank[h][x])
            held[h].remove(worst)
            match[worst] = None
            free.append(worst)
    return match


def stable_roommates(prefs: Mapping[K, Sequence[K]]) -> dict[K, K | None] | None:
    """Irving's algorithm. Returns person -> partner (None if unmatched in every stable
    matching), or None if no stable matching exists."""
    people = list(prefs)
    lists: dict[K, list[K]] = {}
    for p in people:
        lists[p] = [q for q in prefs[p] if q in prefs and q != p and p in prefs[q]]
    rank = {p: {q: i for i, q in enumerate(lists[p])} for p in people}
    alive = {p: set(lists[p]) for p in people}

    def delete(a: K, b: K) -> None:
        alive[a].discard(b)
        alive[b].discard(a)

    def first(p: K) -> K | None:
        return next((q for q in lists[p] if q in alive[p]), None)

    def second(p: K) -> K | None:
        seen = 0
        for q in lists[p]:
            if q in alive[p]:
                seen += 1
                if seen == 2:
                    return q
        return None

    def last(p: K) -> K | None:
        return next((q for q in reversed(lists[p]) if q in alive[p]), None)

    # phase 1: proposals
    holds: dict[K, K] = {}
    free = deque(people)
    while free:
        p = free.popleft()
        while True:
            q = first(p)
            if q is None:
                break
            current = holds.get(q)
            if current is None or rank[q][p] < rank[q][current]:
                holds[q] = p
                for r in [r for r in lists[q] if r in alive[q] and rank[q][r] > rank[q][p]]:
                    delete(q, r)
                    if holds.get(r) == q:
                        del holds[r]
                if current is not None and current != p and q not in alive[current]:
                    free.append(current)
                break
            delete(p, q)
    # phase 2: eliminate rotations until every list has at most one entry
    listed = [p for p in people if alive[p]]
    while True:
        start = next((p for p in people if len(alive[p]) >= 2), None)
        if start is None:
            break
        xs: list[K] = []
        seen: dict[K, int] = {}
        x: K | None = start
        while x is not None and x not in seen:
            seen[x] = len(xs)
            xs.append(x)
            y = second(x)
            x = last(y) if y is not None else None
        if x is None:
            return None
        cycle = xs[seen[x] :]
        ys = [second(p) for p in cycle]
        for i, p in enumerate(cycle):
            y = ys[i]
            if y is None:
                return None
            for r in [r for r in lists[y] if r in alive[y] and rank[y][r] > rank[y][p]]:
                delete(y, r)
        if any(not alive[p] for p in listed):
            return None
    result: dict[K, K | None] = {}
    for p in people:
        q = first(p)
        result[p] = q
    for p, q in result.items():
        if q is not None and result.get(q) != p:
            return None
    return result


def blocking_pairs(
    prefs: Mapping[K, Sequence[K]], matching: Mapping[K, K | None]
) -> list[tuple[K, K]]:
    """Pairs who both prefer each other to their partners (unmatched prefers anyone listed)."""
    rank = {p: {q: i for i, q in enumerate(prefs[p])} for p in prefs}
    out = []
    people = list(prefs)
    for i, a in enumerate(people):
        for b in people[i + 1 :]:
            if b not in rank[a] or a not in rank[b]:
                continue
            pa, pb = matching.get(a), matching.get(b)
            if pa == b:
                continue
            a_wants = pa is None or rank[a][b] < rank[a].get(pa, 1 << 30)
            b_wants = pb is None or rank[b][a] < rank[b].get(pb, 1 << 30)
            if a_wants and b_wants:
                out.append((a, b))
    return out

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
from typing import Generic, TypeVar

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
    table: RoommateTable[K] = RoommateTable(prefs)
    table.phase_one()
    if not table.phase_two():
        return None
    return table.matching()


class RoommateTable(Generic[K]):
    """Irving's reduced preference table: each person's acceptable list (mutually listed) and
    which entries are still alive; deleting an entry removes it from both sides."""

    def __init__(self, prefs: Mapping[K, Sequence[K]]) -> None:
        self.people = list(prefs)
        self.lists: dict[K, list[K]] = {}
        for p in self.people:
            self.lists[p] = [q for q in prefs[p] if q in prefs and q != p and p in prefs[q]]
        self.rank = {p: {q: i for i, q in enumerate(self.lists[p])} for p in self.people}
        self.alive = {p: set(self.lists[p]) for p in self.people}

    def delete(self, a: K, b: K) -> None:
        self.alive[a].discard(b)
        self.alive[b].discard(a)

    def first(self, p: K) -> K | None:
        return next((q for q in self.lists[p] if q in self.alive[p]), None)

    def second(self, p: K) -> K | None:
        seen = 0
        for q in self.lists[p]:
            if q in self.alive[p]:
                seen += 1
                if seen == 2:
                    return q
        return None

    def last(self, p: K) -> K | None:
        return next((q for q in reversed(self.lists[p]) if q in self.alive[p]), None)

    def worse_than(self, q: K, p: K) -> list[K]:
        """Everyone alive on q's list whom q ranks below p."""
        rank = self.rank[q]
        return [r for r in self.lists[q] if r in self.alive[q] and rank[r] > rank[p]]

    # --- phase 1: proposals ---------------------------------------------------------------------

    def phase_one(self) -> None:
        holds: dict[K, K] = {}
        free = deque(self.people)
        while free:
            displaced = self._propose(free.popleft(), holds)
            if displaced is not None:
                free.append(displaced)

    def _propose(self, p: K, holds: dict[K, K]) -> K | None:
        """p proposes down their list until someone holds them; returns whom that displaced
        (now free again), if anyone."""
        while True:
            q = self.first(p)
            if q is None:
                return None
            current = holds.get(q)
            if current is None or self.rank[q][p] < self.rank[q][current]:
                holds[q] = p
                for r in self.worse_than(q, p):
                    self.delete(q, r)
                    if holds.get(r) == q:
                        del holds[r]
                if current is not None and current != p and q not in self.alive[current]:
                    return current
                return None
            self.delete(p, q)

    # --- phase 2: eliminate rotations until every list has at most one entry ----------------------

    def phase_two(self) -> bool:
        """False when a list runs empty: no stable matching exists."""
        listed = [p for p in self.people if self.alive[p]]
        while True:
            start = next((p for p in self.people if len(self.alive[p]) >= 2), None)
            if start is None:
                return True
            cycle = self._rotation(start)
            if cycle is None or not self._eliminate(cycle):
                return False
            if any(not self.alive[p] for p in listed):
                return False

    def _rotation(self, start: K) -> list[K] | None:
        """The rotation reached from ``start`` (second choice, then their last), or None."""
        xs: list[K] = []
        seen: dict[K, int] = {}
        x: K | None = start
        while x is not None and x not in seen:
            seen[x] = len(xs)
            xs.append(x)
            y = self.second(x)
            x = self.last(y) if y is not None else None
        if x is None:
            return None
        return xs[seen[x] :]

    def _eliminate(self, cycle: list[K]) -> bool:
        ys = [self.second(p) for p in cycle]
        for p, y in zip(cycle, ys, strict=True):
            if y is None:
                return False
            for r in self.worse_than(y, p):
                self.delete(y, r)
        return True

    def matching(self) -> dict[K, K | None] | None:
        result: dict[K, K | None] = {p: self.first(p) for p in self.people}
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

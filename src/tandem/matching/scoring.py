"""``compile_problem``: a problem becomes a ``ScoreModel`` of exact pair scores and hard rules.

Every criterion becomes a ``Term`` (terms.py, built by criteria.py) whose value is an inner
product, so the weighted score of a pair is ``c + Q[u] . X[v]`` over all criteria at once:
candidate search is a blocked matrix product (candidates.py), while ``scores`` computes the
same numbers exactly for any list of pairs. Hard rules other than must-haves (same manager,
reporting line, past partners, "please not", forbids) are a sorted array of pair keys.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from tandem.matching.criteria import category_codes, compile_term
from tandem.matching.records import Constraints, Participant, Problem, ProblemError
from tandem.matching.terms import BoolArray, FloatArray, IntArray, OrderedTerm, Term, TextTerm
from tandem.matching.timezones import resolve_zone

PRIVATE_PREFERENCE = "a private preference prevents this pair"

Exclusion = tuple[int, int, str]


def pair_keys(u: IntArray, v: IntArray, n: int) -> IntArray:
    a = np.minimum(u, v).astype(np.int64)
    b = np.maximum(u, v).astype(np.int64)
    keys: IntArray = a * n + b
    return keys


@dataclass
class ScoreModel:
    """Arrays for one problem: ``scores(u, v)`` exact, ``feasible(u, v)`` hard rules."""

    participants: list[Participant]
    ids: list[str]
    index: dict[str, int]
    terms: list[Term]
    constraints: Constraints
    reference_date: dt.date
    manager_codes: IntArray
    excluded_keys: IntArray  # sorted pair keys that are never allowed
    excluded_reasons: dict[int, str]
    bonus_keys: IntArray
    bonus_values: FloatArray
    preferred_pairs: tuple[IntArray, IntArray]
    text_backend: str = "none"
    _features: tuple[FloatArray, FloatArray, float] | None = None
    #: derived helpers built on first use and kept with the model (e.g. the explainer), so
    #: the review screen's many calls on one model pay for them once
    memo: dict[str, object] = field(default_factory=dict, repr=False)

    @property
    def n(self) -> int:
        return len(self.ids)

    def base_scores(self, u: IntArray, v: IntArray) -> FloatArray:
        u = np.asarray(u, np.int64)
        v = np.asarray(v, np.int64)
        total = np.zeros(len(u))
        for term in self.terms:
            if term.weight:
                total += term.weight * term.values(u, v)
        return np.clip(total, 0.0, 1.0)

    def bonus(self, u: IntArray, v: IntArray) -> FloatArray:
        if len(self.bonus_keys) == 0:
            return np.zeros(len(u))
        keys = pair_keys(np.asarray(u), np.asarray(v), self.n)
        pos = np.searchsorted(self.bonus_keys, keys).clip(0, len(self.bonus_keys) - 1)
        return np.where(self.bonus_keys[pos] == keys, self.bonus_values[pos], 0.0)

    def scores(self, u: IntArray, v: IntArray) -> FloatArray:
        """Exact pair scores: weighted criteria in [0, 1] plus the wish bonus, capped at 1."""
        capped: FloatArray = np.minimum(1.0, self.base_scores(u, v) + self.bonus(u, v))
        return capped

    def feasible(self, u: IntArray, v: IntArray) -> BoolArray:
        u = np.asarray(u, np.int64)
        v = np.asarray(v, np.int64)
        ok: BoolArray = u != v
        if self.constraints.exclude_same_manager:
            mu, mv = self.manager_codes[u], self.manager_codes[v]
            ok &= ~((mu >= 0) & (mu == mv))
        for term in self.terms:
            if term.criterion.must_have:
                ok &= term.must_ok(u, v)
        if len(self.excluded_keys):
            keys = pair_keys(u, v, self.n)
            pos = np.searchsorted(self.excluded_keys, keys).clip(0, len(self.excluded_keys) - 1)
            ok &= self.excluded_keys[pos] != keys
        return ok

    def features(self) -> tuple[FloatArray, FloatArray, float]:
        """(Q, X, c): base score before clipping = c + Q[u] . X[v], float32."""
        if self._features is None:
            qs, xs, const = [], [], 0.0
            for term in self.terms:
                if not term.weight:
                    continue
                q, x, c = term.features()
                qs.append(np.asarray(q, np.float32) * np.float32(term.weight))
                xs.append(np.asarray(x, np.float32))
                const += term.weight * c
            if not qs:
                qs, xs = [np.zeros((self.n, 1), np.float32)], [np.zeros((self.n, 1), np.float32)]
            self._features = (
                np.ascontiguousarray(np.hstack(qs)),
                np.ascontiguousarray(np.hstack(xs)),
                const,
            )
        return self._features

    def prune_key(self) -> tuple[FloatArray, float] | None:
        """Positions and limit of the first ordered must-have, to skip hopeless blocks."""
        for term in self.terms:
            if isinstance(term, OrderedTerm) and term.criterion.must_have:
                return term.positions, float(term.criterion.max_difference or 0.0)
        return None

    def term(self, name: str) -> Term | None:
        for term in self.terms:
            if term.criterion.field == name or term.name == name:
                return term
        return None


# ---------------------------------------------------------------------------------------------
# Compilation
# ---------------------------------------------------------------------------------------------
def compile_problem(problem: Problem, seed: int = 0) -> ScoreModel:
    people = problem.participants
    index = _participant_index(people)
    _check_time_zones(people)
    reference_date = problem.reference_date or dt.datetime.now(dt.UTC).date()
    terms = _compile_terms(problem, reference_date, seed)
    manager_codes, _ = category_codes([p.manager_id for p in people])
    excluded = _excluded_pairs(problem, index, reference_date)
    bonus, preferred = _wish_bonus(people, index, problem.constraints)
    bonus_keys = np.array(sorted(bonus), np.int64)
    return ScoreModel(
        participants=people,
        ids=[p.id for p in people],
        index=index,
        terms=terms,
        constraints=problem.constraints,
        reference_date=reference_date,
        manager_codes=manager_codes,
        excluded_keys=np.array(sorted(excluded), np.int64),
        excluded_reasons=excluded,
        bonus_keys=bonus_keys,
        bonus_values=np.array([bonus[k] for k in bonus_keys.tolist()], np.float64),
        preferred_pairs=preferred,
        text_backend=next((t.backend for t in terms if isinstance(t, TextTerm)), "none"),
    )


def _participant_index(people: list[Participant]) -> dict[str, int]:
    index: dict[str, int] = {}
    duplicates = []
    for i, person in enumerate(people):
        if person.id in index:
            duplicates.append(f"duplicate participant id {person.id!r}")
        index[person.id] = i
    if duplicates:
        raise ProblemError(duplicates)
    return index


def _check_time_zones(people: list[Participant]) -> None:
    bad_zones = [
        f"{p.id}: unknown time zone {p.timezone!r}"
        for p in people
        if p.timezone and resolve_zone(p.timezone) is None
    ]
    if bad_zones:
        raise ProblemError(bad_zones)


def _compile_terms(problem: Problem, reference_date: dt.date, seed: int) -> list[Term]:
    """One term per criterion that counts: weights normalised to sum to 1; a weightless
    criterion is kept only as a must-have."""
    total_weight = sum(max(0.0, c.weight) for c in problem.criteria)
    terms = []
    for criterion in problem.criteria:
        weight = max(0.0, criterion.weight) / total_weight if total_weight > 0 else 0.0
        if weight == 0 and not criterion.must_have:
            continue
        terms.append(
            compile_term(
                criterion,
                weight,
                problem.participants,
                reference_date,
                problem.text_backend,
                seed,
            )
        )
    return terms


# --- pairs that are never allowed ---------------------------------------------------------------


def _excluded_pairs(
    problem: Problem, index: dict[str, int], reference_date: dt.date
) -> dict[int, str]:
    """Pair key -> the first reason found, so a violation can be explained in one phrase."""
    n = len(problem.participants)
    excluded: dict[int, str] = {}
    for a, b, reason in itertools.chain(
        _reporting_line_pairs(problem, index),
        _personal_exclusions(problem, index, reference_date),
        _forbidden_pairs(problem, index),
    ):
        if a != b:
            excluded.setdefault(min(a, b) * n + max(a, b), reason)
    return excluded


def _reporting_line_pairs(problem: Problem, index: dict[str, int]) -> Iterator[Exclusion]:
    if not problem.constraints.exclude_reporting_line:
        return
    for pid, chain in reporting_chains(problem.participants).items():
        for manager in chain:
            if manager in index:
                yield index[pid], index[manager], "one reporting line"


def _personal_exclusions(
    problem: Problem, index: dict[str, int], reference_date: dt.date
) -> Iterator[Exclusion]:
    """Each person's "please not" list and the past partners still inside the cool-down."""
    constraints = problem.constraints
    for p in problem.participants:
        i = index[p.id]
        if constraints.respect_avoid_lists:
            for other in p.avoid:
                if other in index:
                    # Never who asked: the reason reaches coordinators' review screens.
                    yield i, index[other], PRIVATE_PREFERENCE
        for past in p.past_partners:
            if past.id in index and past_pair_blocked(
                past.round, past.date, constraints, problem.round_number, reference_date
            ):
                yield i, index[past.id], "matched before (cool-down)"


def _forbidden_pairs(problem: Problem, index: dict[str, int]) -> Iterator[Exclusion]:
    for a, b in problem.constraints.forbids:
        if a in index and b in index:
            yield index[a], index[b], "forbidden by the coordinator"


def reporting_chains(people: list[Participant]) -> dict[str, tuple[str, ...]]:
    """Each person's managers up the chain: the given chain, else following manager_id links."""
    manager_of = {p.id: p.manager_id for p in people if p.manager_id}
    chains: dict[str, tuple[str, ...]] = {}
    for p in people:
        if p.manager_chain:
            chains[p.id] = tuple(p.manager_chain)
            continue
        chain: list[str] = []
        current = p.manager_id
        while current and current not in chain and current != p.id and len(chain) < 64:
            chain.append(current)
            current = manager_of.get(current, "")
        chains[p.id] = tuple(chain)
    return chains


def past_pair_blocked(
    partner_round: int | None,
    partner_date: dt.date | None,
    constraints: Constraints,
    round_number: int | None,
    reference_date: dt.date,
) -> bool:
    """Whether a past pairing still blocks a new one under the configured cool-down.

    With no cool-down configured a past pair never repeats. With one, a pairing blocks while it
    is within the last ``repeat_cooldown_rounds`` rounds or ``repeat_cooldown_days`` days; a past
    pairing with neither a round nor a date blocks (we cannot tell how long ago it was).
    """
    if not constraints.avoid_repeat_pairs:
        return False
    rounds, days = constraints.repeat_cooldown_rounds, constraints.repeat_cooldown_days
    if rounds is None and days is None:
        return True
    known = False
    if rounds is not None and partner_round is not None and round_number is not None:
        known = True
        if round_number - partner_round <= rounds:
            return True
    if days is not None and partner_date is not None:
        known = True
        if (reference_date - partner_date).days < days:
            return True
    return not known


def _wish_bonus(
    people: list[Participant], index: dict[str, int], constraints: Constraints
) -> tuple[dict[int, float], tuple[IntArray, IntArray]]:
    """Pair key -> wish bonus (mutual beats one-sided), and the wished pairs, which solvers
    always consider as candidates."""
    n = len(people)
    bonus: dict[int, float] = {}
    pref_u, pref_v = [], []
    for p in people:
        i = index[p.id]
        for other in p.preferred[:3]:
            j = index.get(other)
            if j is None or j == i:
                continue
            mutual = p.id in people[j].preferred[:3]
            key = min(i, j) * n + max(i, j)
            value = constraints.mutual_wish_bonus if mutual else constraints.one_sided_wish_bonus
            bonus[key] = max(bonus.get(key, 0.0), value)
            pref_u.append(min(i, j))
            pref_v.append(max(i, j))
    return bonus, (np.array(pref_u, np.int64), np.array(pref_v, np.int64))

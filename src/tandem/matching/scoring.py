"""Compile a problem into arrays: exact pair scores, hard feasibility, and bilinear features.

Every criterion becomes a ``Term`` whose value for a pair is in [0, 1] and which can be written as
an inner product ``const + Q[u] . X[v]``. The weighted score of a pair is therefore one dense
product over all criteria, so candidate search is a blocked matrix product (see candidates.py),
while ``pair_values`` computes the same numbers exactly for any list of pairs.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from tandem.matching.records import (
    Constraints,
    Criterion,
    Participant,
    Problem,
    ProblemError,
)
from tandem.matching.text import text_vectors
from tandem.matching.timezones import (
    DEFAULT_WORKING_HOURS,
    overlap_hours,
    resolve_zone,
    working_length,
)

IntArray = np.ndarray
FloatArray = np.ndarray

#: fields every participant has; anything else is looked up in ``custom``
LIST_FIELDS = {"languages", "skills_offered", "skills_wanted", "interests"}
SCALAR_FIELDS = {"name", "department", "manager_id", "role", "email"}
FIELD_ALIASES = {"manager": "manager_id", "manager_email": "manager_id", "goal": "goals"}
SLOTS_PER_WEEK = 7 * 48  # half-hour slots


def canonical_field(name: str) -> str:
    return FIELD_ALIASES.get(name, name)


def get_value(person: Participant, name: str) -> object:
    name = canonical_field(name)
    if hasattr(person, name) and name != "custom":
        return getattr(person, name)
    return person.custom.get(name)


def as_list(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        parts = value.replace("|", ";").split(";")
        return tuple(p.strip() for p in parts if p.strip())
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return (str(value),)


def normalise_token(text: str) -> str:
    return " ".join(text.lower().split())


def pair_keys(u: IntArray, v: IntArray, n: int) -> IntArray:
    a = np.minimum(u, v).astype(np.int64)
    b = np.maximum(u, v).astype(np.int64)
    return a * n + b


def _popcount_and(
    bits: np.ndarray, u: IntArray, v: IntArray, other: np.ndarray | None = None
) -> IntArray:
    right = bits if other is None else other
    if bits.shape[1] == 0:
        return np.zeros(len(u), np.int64)
    return np.bitwise_count(bits[u] & right[v]).sum(axis=1).astype(np.int64)


def _bitsets(codes: list[list[int]], width: int) -> np.ndarray:
    words = max(1, (width + 63) // 64)
    out = np.zeros((len(codes), words), np.uint64)
    rows = np.fromiter((i for i, row in enumerate(codes) for _ in row), np.int64)
    cols = np.fromiter((c for row in codes for c in row), np.int64)
    if len(rows):
        bits = np.left_shift(np.uint64(1), (cols % 64).astype(np.uint64))
        np.bitwise_or.at(out, (rows, cols // 64), bits)
    return out


def _multihot(codes: list[list[int]], width: int, scale: FloatArray | None = None) -> FloatArray:
    out = np.zeros((len(codes), width), np.float32)
    rows = [i for i, row in enumerate(codes) for _ in row]
    cols = [c for row in codes for c in row]
    if rows:
        out[rows, cols] = 1.0
    if scale is not None:
        out *= scale[:, None].astype(np.float32)
    return out


@dataclass
class Term:
    """One criterion compiled to arrays. Subclasses fill ``values``, ``features``, ``must_ok``."""

    criterion: Criterion
    weight: float  # normalised so that all weights sum to 1

    @property
    def name(self) -> str:
        return self.criterion.label or self.criterion.field

    def values(self, u: IntArray, v: IntArray) -> FloatArray:
        raise NotImplementedError

    def features(self) -> tuple[FloatArray, FloatArray, float]:
        raise NotImplementedError

    def must_ok(self, u: IntArray, v: IntArray) -> np.ndarray:
        raise NotImplementedError


@dataclass
class CategoricalTerm(Term):
    codes: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    labels: list[str] = field(default_factory=list)

    def values(self, u: IntArray, v: IntArray) -> FloatArray:
        cu, cv = self.codes[u], self.codes[v]
        present = (cu >= 0) & (cv >= 0)
        equal = present & (cu == cv)
        if self.criterion.rule == "same":
            return equal.astype(np.float64)
        return (present & ~equal).astype(np.float64)

    def features(self) -> tuple[FloatArray, FloatArray, float]:
        onehot = _multihot([[c] if c >= 0 else [] for c in self.codes.tolist()], len(self.labels))
        if self.criterion.rule == "same":
            return onehot, onehot, 0.0
        present = (self.codes >= 0).astype(np.float32)[:, None]
        return np.hstack([present, -onehot]), np.hstack([present, onehot]), 0.0

    def must_ok(self, u: IntArray, v: IntArray) -> np.ndarray:
        cu, cv = self.codes[u], self.codes[v]
        if self.criterion.rule == "same":
            return (cu >= 0) & (cu == cv)
        return ~((cu >= 0) & (cu == cv))


@dataclass
class OrderedTerm(Term):
    positions: FloatArray = field(default_factory=lambda: np.zeros(0))
    codes: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    distinct: FloatArray = field(default_factory=lambda: np.zeros(0))
    scale: float = 1.0

    def _kernel(self, d: FloatArray) -> FloatArray:
        return np.clip(1.0 - np.abs(d) / self.scale, 0.0, 1.0)

    def values(self, u: IntArray, v: IntArray) -> FloatArray:
        d = self.positions[u] - self.positions[v]
        out = self._kernel(np.nan_to_num(d, nan=np.inf))
        return np.where(np.isnan(d), 0.0, out)

    def features(self) -> tuple[FloatArray, FloatArray, float]:
        kernel = self._kernel(np.subtract.outer(self.distinct, self.distinct)).astype(np.float32)
        onehot = _multihot([[c] if c >= 0 else [] for c in self.codes.tolist()], len(self.distinct))
        q = np.zeros_like(onehot)
        present = self.codes >= 0
        q[present] = kernel[self.codes[present]]
        return q, onehot, 0.0

    def must_ok(self, u: IntArray, v: IntArray) -> np.ndarray:
        d = np.abs(self.positions[u] - self.positions[v])
        limit = self.criterion.max_difference or 0.0
        return np.nan_to_num(d, nan=np.inf) <= limit + 1e-9


@dataclass
class ComplementaryTerm(Term):
    """Offered <-> wanted in both directions: ½(share of v's wants u offers + the reverse)."""

    offered: list[list[int]] = field(default_factory=list)
    wanted: list[list[int]] = field(default_factory=list)
    vocabulary: list[str] = field(default_factory=list)
    offered_bits: np.ndarray = field(default_factory=lambda: np.zeros((0, 1), np.uint64))
    wanted_bits: np.ndarray = field(default_factory=lambda: np.zeros((0, 1), np.uint64))
    wanted_count: FloatArray = field(default_factory=lambda: np.zeros(0))

    def directional(self, u: IntArray, v: IntArray) -> FloatArray:
        """Share of what ``v`` wants that ``u`` offers."""
        hits = _popcount_and(self.offered_bits, u, v, self.wanted_bits)
        wc = self.wanted_count[v]
        return np.divide(hits, wc, out=np.zeros(len(u)), where=wc > 0)

    def values(self, u: IntArray, v: IntArray) -> FloatArray:
        return 0.5 * (self.directional(u, v) + self.directional(v, u))

    def features(self) -> tuple[FloatArray, FloatArray, float]:
        width = len(self.vocabulary)
        inv = np.divide(
            1.0,
            self.wanted_count,
            out=np.zeros_like(self.wanted_count),
            where=self.wanted_count > 0,
        )
        off = _multihot(self.offered, width)
        want = _multihot(self.wanted, width, inv)
        return np.hstack([0.5 * off, 0.5 * want]), np.hstack([want, off]), 0.0

    def must_ok(self, u: IntArray, v: IntArray) -> np.ndarray:
        a = _popcount_and(self.offered_bits, u, v, self.wanted_bits)
        b = _popcount_and(self.offered_bits, v, u, self.wanted_bits)
        return (a + b) > 0


@dataclass
class SetOverlapTerm(Term):
    """Shared items (languages, interests, availability slots): |A∩B| / sqrt(|A| |B|)."""

    bits: np.ndarray = field(default_factory=lambda: np.zeros((0, 1), np.uint64))
    counts: FloatArray = field(default_factory=lambda: np.zeros(0))
    items: list[list[int]] = field(default_factory=list)
    vocabulary: list[str] = field(default_factory=list)
    #: availability: items are half-hour slots, must-have needs min_overlap_hours
    slot_hours: float = 0.0

    def shared(self, u: IntArray, v: IntArray) -> IntArray:
        return _popcount_and(self.bits, u, v)

    def values(self, u: IntArray, v: IntArray) -> FloatArray:
        denom = np.sqrt(self.counts[u] * self.counts[v])
        return np.divide(self.shared(u, v), denom, out=np.zeros(len(u)), where=denom > 0)

    def features(self) -> tuple[FloatArray, FloatArray, float]:
        inv = np.divide(
            1.0, np.sqrt(self.counts), out=np.zeros(len(self.counts)), where=self.counts > 0
        )
        hot = _multihot(self.items, max(1, len(self.vocabulary)), inv)
        return hot, hot, 0.0

    def must_ok(self, u: IntArray, v: IntArray) -> np.ndarray:
        shared = self.shared(u, v)
        if self.slot_hours:
            return shared * self.slot_hours >= self.criterion.min_overlap_hours - 1e-9
        return shared > 0


@dataclass
class TimezoneTerm(Term):
    """Shared working hours (real zones, reference date) / the shorter working day."""

    codes: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    hours: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    share: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    profiles: list[tuple[str, tuple[dt.time, dt.time]]] = field(default_factory=list)

    def values(self, u: IntArray, v: IntArray) -> FloatArray:
        return np.asarray(self.share[self.codes[u], self.codes[v]], np.float64)

    def overlap(self, u: IntArray, v: IntArray) -> FloatArray:
        return np.asarray(self.hours[self.codes[u], self.codes[v]], np.float64)

    def features(self) -> tuple[FloatArray, FloatArray, float]:
        onehot = _multihot([[c] for c in self.codes.tolist()], len(self.profiles))
        return self.share[self.codes].astype(np.float32), onehot, 0.0

    def must_ok(self, u: IntArray, v: IntArray) -> np.ndarray:
        return self.overlap(u, v) >= self.criterion.min_overlap_hours - 1e-9


@dataclass
class TextTerm(Term):
    vectors: FloatArray = field(default_factory=lambda: np.zeros((0, 0), np.float32))
    backend: str = "tfidf"

    def values(self, u: IntArray, v: IntArray) -> FloatArray:
        if self.vectors.shape[1] == 0:
            return np.zeros(len(u))
        out = np.empty(len(u))
        for s in range(0, len(u), 1 << 16):
            a, b = self.vectors[u[s : s + (1 << 16)]], self.vectors[v[s : s + (1 << 16)]]
            out[s : s + len(a)] = np.einsum("ij,ij->i", a.astype(np.float64), b)
        return out

    def features(self) -> tuple[FloatArray, FloatArray, float]:
        return self.vectors, self.vectors, 0.0

    def must_ok(self, u: IntArray, v: IntArray) -> np.ndarray:
        return self.values(u, v) >= self.criterion.min_similarity - 1e-9


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
        return np.minimum(1.0, self.base_scores(u, v) + self.bonus(u, v))

    def feasible(self, u: IntArray, v: IntArray) -> np.ndarray:
        u = np.asarray(u, np.int64)
        v = np.asarray(v, np.int64)
        ok = u != v
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


def _level_positions(criterion: Criterion, raw: list[object], ids: list[str]) -> FloatArray:
    order = {normalise_token(label): i for i, label in enumerate(criterion.order)}
    out = np.full(len(raw), np.nan)
    problems = []
    for i, value in enumerate(raw):
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if isinstance(value, int | float) and not isinstance(value, bool):
            if math.isnan(float(value)):
                continue
            out[i] = float(value)
            continue
        text = normalise_token(str(value))
        if order:
            if text in order:
                out[i] = order[text]
            else:
                problems.append(
                    f"{ids[i]}: {criterion.field} {value!r} is not one of {list(criterion.order)}"
                )
            continue
        try:
            out[i] = float(text)
        except ValueError:
            problems.append(f"{ids[i]}: {criterion.field} {value!r} is not a number")
    if problems:
        raise ProblemError(problems)
    return out


def _codes(values: list[str]) -> tuple[IntArray, list[str]]:
    labels: dict[str, int] = {}
    codes = np.full(len(values), -1, np.int64)
    for i, value in enumerate(values):
        if value:
            codes[i] = labels.setdefault(value, len(labels))
    return codes, list(labels)


def _vocab_codes(lists: Sequence[Sequence[str]], vocab: dict[str, int]) -> list[list[int]]:
    memo: dict[str, int] = {}
    out = []
    for row in lists:
        seen: list[int] = []
        for item in row:
            code = memo.get(item)
            if code is None:
                code = vocab.setdefault(normalise_token(item), len(vocab))
                memo[item] = code
            if code not in seen:
                seen.append(code)
        out.append(seen)
    return out


def _availability_slots(person: Participant, week_start: dt.date) -> list[int]:
    zone = resolve_zone(person.timezone) or dt.UTC
    epoch = dt.datetime.combine(week_start, dt.time(0), tzinfo=dt.UTC)
    windows = person.availability
    if not windows:
        hours = person.working_hours or DEFAULT_WORKING_HOURS
        from tandem.matching.records import TimeWindow

        windows = tuple(TimeWindow(d, hours[0], hours[1]) for d in range(5))
    slots: set[int] = set()
    for window in windows:
        day = week_start + dt.timedelta(days=window.day)
        start = dt.datetime.combine(day, window.start, tzinfo=zone)
        end = dt.datetime.combine(day, window.end, tzinfo=zone)
        if end <= start:
            end += dt.timedelta(days=1)
        a = int((start - epoch).total_seconds() // 1800)
        b = math.ceil((end - epoch).total_seconds() / 1800)
        slots.update(s % SLOTS_PER_WEEK for s in range(a, b))
    return sorted(slots)


def compile_term(
    criterion: Criterion,
    weight: float,
    people: list[Participant],
    reference_date: dt.date,
    text_backend: str,
    seed: int,
) -> Term:
    name = canonical_field(criterion.field)
    rule = criterion.rule
    ids = [p.id for p in people]
    if rule in ("same", "different"):
        values = [
            normalise_token(str(v)) if v not in (None, "") else ""
            for v in (get_value(p, name) for p in people)
        ]
        codes, labels = _codes(values)
        return CategoricalTerm(criterion, weight, codes=codes, labels=labels)
    if rule == "close":
        positions = _level_positions(criterion, [get_value(p, name) for p in people], ids)
        present = positions[~np.isnan(positions)]
        distinct = np.unique(present) if len(present) else np.zeros(0)
        codes = np.full(len(people), -1, np.int64)
        ok = ~np.isnan(positions)
        codes[ok] = np.searchsorted(distinct, positions[ok])
        if criterion.max_difference is not None:
            scale = float(criterion.max_difference) + 1.0
        else:
            scale = float(distinct.max() - distinct.min()) if len(distinct) > 1 else 1.0
            scale = scale or 1.0
        return OrderedTerm(
            criterion, weight, positions=positions, codes=codes, distinct=distinct, scale=scale
        )
    if rule == "complementary":
        if name in ("skills", "skill"):
            offered = [p.skills_offered for p in people]
            wanted = [p.skills_wanted for p in people]
        else:
            offered = [as_list(p.custom.get(f"{name}_offered")) for p in people]
            wanted = [as_list(p.custom.get(f"{name}_wanted")) for p in people]
        vocab: dict[str, int] = {}
        off_codes = _vocab_codes(offered, vocab)
        want_codes = _vocab_codes(wanted, vocab)
        width = len(vocab)
        return ComplementaryTerm(
            criterion,
            weight,
            offered=off_codes,
            wanted=want_codes,
            vocabulary=list(vocab),
            offered_bits=_bitsets(off_codes, width),
            wanted_bits=_bitsets(want_codes, width),
            wanted_count=np.array([len(w) for w in want_codes], np.float64),
        )
    if rule == "overlap" and name == "timezone":
        keys = [(p.timezone, p.working_hours or DEFAULT_WORKING_HOURS) for p in people]
        profile_index: dict[tuple[str, tuple[dt.time, dt.time]], int] = {}
        codes = np.array([profile_index.setdefault(k, len(profile_index)) for k in keys], np.int64)
        profiles = list(profile_index)
        m = len(profiles)
        hours = np.zeros((m, m))
        share = np.zeros((m, m), np.float32)
        for a in range(m):
            for b in range(a, m):
                h = overlap_hours(
                    profiles[a][0], profiles[a][1], profiles[b][0], profiles[b][1], reference_date
                )
                shorter = min(working_length(profiles[a][1]), working_length(profiles[b][1]))
                hours[a, b] = hours[b, a] = h
                share[a, b] = share[b, a] = min(1.0, h / shorter) if shorter > 0 else 0.0
        return TimezoneTerm(
            criterion, weight, codes=codes, hours=hours, share=share, profiles=profiles
        )
    if rule == "overlap" and name == "availability":
        week_start = reference_date - dt.timedelta(days=reference_date.weekday())
        slot_lists = [_availability_slots(p, week_start) for p in people]
        return SetOverlapTerm(
            criterion,
            weight,
            bits=_bitsets(slot_lists, SLOTS_PER_WEEK),
            counts=np.array([len(s) for s in slot_lists], np.float64),
            items=slot_lists,
            vocabulary=[str(i) for i in range(SLOTS_PER_WEEK)],
            slot_hours=0.5,
        )
    if rule == "overlap":
        lists = [as_list(get_value(p, name)) for p in people]
        vocab = {}
        codes_list = _vocab_codes(lists, vocab)
        return SetOverlapTerm(
            criterion,
            weight,
            bits=_bitsets(codes_list, len(vocab)),
            counts=np.array([len(c) for c in codes_list], np.float64),
            items=codes_list,
            vocabulary=list(vocab),
        )
    if rule == "similar_text":
        texts = [str(get_value(p, name) or "") for p in people]
        vectors, backend = text_vectors(texts, text_backend, seed=seed)
        return TextTerm(criterion, weight, vectors=vectors, backend=backend)
    raise ProblemError(f"criterion {criterion.field!r}: unknown rule {rule!r}")


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


def compile_problem(problem: Problem, seed: int = 0) -> ScoreModel:
    people = problem.participants
    ids = [p.id for p in people]
    index: dict[str, int] = {}
    duplicates = []
    for i, pid in enumerate(ids):
        if pid in index:
            duplicates.append(f"duplicate participant id {pid!r}")
        index[pid] = i
    if duplicates:
        raise ProblemError(duplicates)
    bad_zones = [
        f"{p.id}: unknown time zone {p.timezone!r}"
        for p in people
        if p.timezone and resolve_zone(p.timezone) is None
    ]
    if bad_zones:
        raise ProblemError(bad_zones)
    reference_date = problem.reference_date or dt.datetime.now(dt.UTC).date()
    total_weight = sum(max(0.0, c.weight) for c in problem.criteria)
    terms = []
    for criterion in problem.criteria:
        weight = max(0.0, criterion.weight) / total_weight if total_weight > 0 else 0.0
        if weight == 0 and not criterion.must_have:
            continue
        terms.append(
            compile_term(criterion, weight, people, reference_date, problem.text_backend, seed)
        )
    n = len(people)
    manager_codes, _ = _codes([p.manager_id for p in people])
    constraints = problem.constraints
    excluded: dict[int, str] = {}

    def exclude(a: int, b: int, reason: str) -> None:
        if a != b:
            key = min(a, b) * n + max(a, b)
            excluded.setdefault(key, reason)

    if constraints.exclude_reporting_line:
        for pid, chain in reporting_chains(people).items():
            for manager in chain:
                if manager in index:
                    exclude(index[pid], index[manager], "one reporting line")
    for p in people:
        i = index[p.id]
        if constraints.respect_avoid_lists:
            for other in p.avoid:
                if other in index:
                    exclude(i, index[other], f"{p.name or p.id} asked not to be matched")
        for past in p.past_partners:
            if past.id in index and past_pair_blocked(
                past.round, past.date, constraints, problem.round_number, reference_date
            ):
                exclude(i, index[past.id], "matched before (cool-down)")
    for a, b in constraints.forbids:
        if a in index and b in index:
            exclude(index[a], index[b], "forbidden by the coordinator")
    keys = np.array(sorted(excluded), np.int64)
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
    bonus_keys = np.array(sorted(bonus), np.int64)
    backend = next((t.backend for t in terms if isinstance(t, TextTerm)), "none")
    return ScoreModel(
        participants=people,
        ids=ids,
        index=index,
        terms=terms,
        constraints=constraints,
        reference_date=reference_date,
        manager_codes=manager_codes,
        excluded_keys=keys,
        excluded_reasons=excluded,
        bonus_keys=bonus_keys,
        bonus_values=np.array([bonus[k] for k in bonus_keys.tolist()], np.float64),
        preferred_pairs=(np.array(pref_u, np.int64), np.array(pref_v, np.int64)),
        text_backend=backend,
    )

"""Criteria compiled to arrays: one ``Term`` class per kind of comparison.

A term's value for a pair is in [0, 1] and can be written as an inner product
``const + Q[u] . X[v]`` (``features``), so the weighted score of all criteria is one dense
product and candidate search is a blocked matrix product (candidates.py), while ``values``
computes the same numbers exactly for any list of pairs. ``must_ok`` is the hard rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from tandem.matching.records import Criterion

IntArray = np.ndarray
FloatArray = np.ndarray
BoolArray = np.ndarray
SLOTS_PER_WEEK = 7 * 48  # half-hour slots


def _popcount_and(
    bits: np.ndarray, u: IntArray, v: IntArray, other: np.ndarray | None = None
) -> IntArray:
    right = bits if other is None else other
    if bits.shape[1] == 0:
        return np.zeros(len(u), np.int64)
    hits: IntArray = np.bitwise_count(bits[u] & right[v]).sum(axis=1).astype(np.int64)
    return hits


def bitsets(codes: list[list[int]], width: int) -> np.ndarray:
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
        present: BoolArray = (cu >= 0) & (cv >= 0)
        equal: BoolArray = present & (cu == cv)
        if self.criterion.rule == "same":
            return equal.astype(np.float64)
        different: BoolArray = present & ~equal
        return different.astype(np.float64)

    def features(self) -> tuple[FloatArray, FloatArray, float]:
        onehot = _multihot([[c] if c >= 0 else [] for c in self.codes.tolist()], len(self.labels))
        if self.criterion.rule == "same":
            return onehot, onehot, 0.0
        present = (self.codes >= 0).astype(np.float32)[:, None]
        return np.hstack([present, -onehot]), np.hstack([present, onehot]), 0.0

    def must_ok(self, u: IntArray, v: IntArray) -> np.ndarray:
        cu, cv = self.codes[u], self.codes[v]
        same: BoolArray = (cu >= 0) & (cu == cv)
        return same if self.criterion.rule == "same" else ~same


@dataclass
class OrderedTerm(Term):
    positions: FloatArray = field(default_factory=lambda: np.zeros(0))
    codes: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    distinct: FloatArray = field(default_factory=lambda: np.zeros(0))
    scale: float = 1.0

    def _kernel(self, d: FloatArray) -> FloatArray:
        kernel: FloatArray = np.clip(1.0 - np.abs(d) / self.scale, 0.0, 1.0)
        return kernel

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
        within: BoolArray = np.nan_to_num(d, nan=np.inf) <= limit + 1e-9
        return within


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
        share: FloatArray = np.divide(hits, wc, out=np.zeros(len(u)), where=wc > 0)
        return share

    def values(self, u: IntArray, v: IntArray) -> FloatArray:
        both: FloatArray = 0.5 * (self.directional(u, v) + self.directional(v, u))
        return both

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
        either: BoolArray = (a + b) > 0
        return either


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
        cosine: FloatArray = np.divide(
            self.shared(u, v), denom, out=np.zeros(len(u)), where=denom > 0
        )
        return cosine

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

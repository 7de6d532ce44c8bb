"""``compile_term``: one criterion and the participants become one ``Term``, one builder per rule.

Builders read the field the same way explanations do (fields.py) and report every bad value
at once as a ``ProblemError``, so a coordinator can fix a spreadsheet in one pass.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from tandem.matching.fields import as_list, canonical_field, get_value, normalise_token
from tandem.matching.records import Criterion, Participant, ProblemError, TimeWindow
from tandem.matching.terms import (
    SLOTS_PER_WEEK,
    CategoricalTerm,
    ComplementaryTerm,
    FloatArray,
    IntArray,
    OrderedTerm,
    SetOverlapTerm,
    Term,
    TextTerm,
    TimezoneTerm,
    bitsets,
)
from tandem.matching.text import text_vectors
from tandem.matching.timezones import (
    DEFAULT_WORKING_HOURS,
    overlap_hours,
    resolve_zone,
    working_length,
)

Profile = tuple[str, tuple[dt.time, dt.time]]


@dataclass(frozen=True)
class TermInput:
    """Everything a builder needs: the criterion, its normalised weight and the people."""

    criterion: Criterion
    weight: float
    people: list[Participant]
    reference_date: dt.date
    text_backend: str
    seed: int

    @property
    def field(self) -> str:
        return canonical_field(self.criterion.field)

    def raw(self) -> list[object]:
        return [get_value(p, self.field) for p in self.people]


def compile_term(
    criterion: Criterion,
    weight: float,
    people: list[Participant],
    reference_date: dt.date,
    text_backend: str,
    seed: int,
) -> Term:
    spec = TermInput(criterion, weight, people, reference_date, text_backend, seed)
    builder = _BUILDERS.get(criterion.rule)
    if builder is None:
        raise ProblemError(f"criterion {criterion.field!r}: unknown rule {criterion.rule!r}")
    return builder(spec)


# --- same / different ---------------------------------------------------------------------------


def category_codes(values: list[str]) -> tuple[IntArray, list[str]]:
    """Integer codes of non-empty values (-1 for empty) and the labels in first-seen order."""
    labels: dict[str, int] = {}
    codes = np.full(len(values), -1, np.int64)
    for i, value in enumerate(values):
        if value:
            codes[i] = labels.setdefault(value, len(labels))
    return codes, list(labels)


def _categorical(spec: TermInput) -> Term:
    values = [normalise_token(str(v)) if v not in (None, "") else "" for v in spec.raw()]
    codes, labels = category_codes(values)
    return CategoricalTerm(spec.criterion, spec.weight, codes=codes, labels=labels)


# --- close ------------------------------------------------------------------------------------


def _ordered(spec: TermInput) -> Term:
    criterion = spec.criterion
    positions = _level_positions(criterion, spec.raw(), [p.id for p in spec.people])
    present = positions[~np.isnan(positions)]
    distinct = np.unique(present) if len(present) else np.zeros(0)
    codes = np.full(len(spec.people), -1, np.int64)
    ok = ~np.isnan(positions)
    codes[ok] = np.searchsorted(distinct, positions[ok])
    return OrderedTerm(
        criterion,
        spec.weight,
        positions=positions,
        codes=codes,
        distinct=distinct,
        scale=_decay_scale(criterion, distinct),
    )


def _decay_scale(criterion: Criterion, distinct: FloatArray) -> float:
    """The score falls to 0 just past ``max_difference``, else across the observed range."""
    if criterion.max_difference is not None:
        return float(criterion.max_difference) + 1.0
    scale = float(distinct.max() - distinct.min()) if len(distinct) > 1 else 1.0
    return scale or 1.0


def _level_positions(criterion: Criterion, raw: list[object], ids: list[str]) -> FloatArray:
    order = {normalise_token(label): i for i, label in enumerate(criterion.order)}
    out = np.full(len(raw), np.nan)
    problems = []
    for i, value in enumerate(raw):
        position = _position(criterion, order, value)
        if isinstance(position, str):
            problems.append(f"{ids[i]}: {criterion.field} {value!r} {position}")
        elif position is not None:
            out[i] = position
    if problems:
        raise ProblemError(problems)
    return out


def _position(criterion: Criterion, order: dict[str, int], value: object) -> float | str | None:
    """A value's place on the scale; None when empty, a complaint when it cannot be placed."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return None if math.isnan(float(value)) else float(value)
    text = normalise_token(str(value))
    if order:
        return order[text] if text in order else f"is not one of {list(criterion.order)}"
    try:
        return float(text)
    except ValueError:
        return "is not a number"


# --- complementary ----------------------------------------------------------------------------


def vocabulary_codes(lists: Sequence[Sequence[str]], vocab: dict[str, int]) -> list[list[int]]:
    """Each row's distinct item codes in ``vocab`` (extended as needed), by normalised item."""
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


def _complementary(spec: TermInput) -> Term:
    people, name = spec.people, spec.field
    if name in ("skills", "skill"):
        offered = [p.skills_offered for p in people]
        wanted = [p.skills_wanted for p in people]
    else:
        offered = [as_list(p.custom.get(f"{name}_offered")) for p in people]
        wanted = [as_list(p.custom.get(f"{name}_wanted")) for p in people]
    vocab: dict[str, int] = {}
    off_codes = vocabulary_codes(offered, vocab)
    want_codes = vocabulary_codes(wanted, vocab)
    width = len(vocab)
    return ComplementaryTerm(
        spec.criterion,
        spec.weight,
        offered=off_codes,
        wanted=want_codes,
        vocabulary=list(vocab),
        offered_bits=bitsets(off_codes, width),
        wanted_bits=bitsets(want_codes, width),
        wanted_count=np.array([len(w) for w in want_codes], np.float64),
    )


# --- overlap ----------------------------------------------------------------------------------


def _overlap(spec: TermInput) -> Term:
    if spec.field == "timezone":
        return _timezone(spec)
    if spec.field == "availability":
        return _availability(spec)
    return _shared_items(spec)


def _timezone(spec: TermInput) -> Term:
    keys = [(p.timezone, p.working_hours or DEFAULT_WORKING_HOURS) for p in spec.people]
    profile_index: dict[Profile, int] = {}
    codes = np.array([profile_index.setdefault(k, len(profile_index)) for k in keys], np.int64)
    profiles = list(profile_index)
    hours, share = _profile_overlaps(profiles, spec.reference_date)
    return TimezoneTerm(
        spec.criterion, spec.weight, codes=codes, hours=hours, share=share, profiles=profiles
    )


def _profile_overlaps(
    profiles: list[Profile], reference_date: dt.date
) -> tuple[FloatArray, FloatArray]:
    """Shared hours and their share of the shorter working day, for every pair of profiles."""
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
    return hours, share


def _availability(spec: TermInput) -> Term:
    reference_date = spec.reference_date
    week_start = reference_date - dt.timedelta(days=reference_date.weekday())
    slot_lists = [_availability_slots(p, week_start) for p in spec.people]
    return SetOverlapTerm(
        spec.criterion,
        spec.weight,
        bits=bitsets(slot_lists, SLOTS_PER_WEEK),
        counts=np.array([len(s) for s in slot_lists], np.float64),
        items=slot_lists,
        vocabulary=[str(i) for i in range(SLOTS_PER_WEEK)],
        slot_hours=0.5,
    )


def _availability_slots(person: Participant, week_start: dt.date) -> list[int]:
    zone = resolve_zone(person.timezone) or dt.UTC
    epoch = dt.datetime.combine(week_start, dt.time(0), tzinfo=dt.UTC)
    windows = person.availability
    if not windows:
        hours = person.working_hours or DEFAULT_WORKING_HOURS
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


def _shared_items(spec: TermInput) -> Term:
    lists = [as_list(value) for value in spec.raw()]
    vocab: dict[str, int] = {}
    codes_list = vocabulary_codes(lists, vocab)
    return SetOverlapTerm(
        spec.criterion,
        spec.weight,
        bits=bitsets(codes_list, len(vocab)),
        counts=np.array([len(c) for c in codes_list], np.float64),
        items=codes_list,
        vocabulary=list(vocab),
    )


# --- similar_text -----------------------------------------------------------------------------


def _text(spec: TermInput) -> Term:
    texts = [str(value or "") for value in spec.raw()]
    vectors, backend = text_vectors(texts, spec.text_backend, seed=spec.seed)
    return TextTerm(spec.criterion, spec.weight, vectors=vectors, backend=backend)


_BUILDERS: dict[str, Callable[[TermInput], Term]] = {
    "same": _categorical,
    "different": _categorical,
    "close": _ordered,
    "complementary": _complementary,
    "overlap": _overlap,
    "similar_text": _text,
}

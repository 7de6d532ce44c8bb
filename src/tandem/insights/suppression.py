"""Small-group suppression for anonymous survey results and demographic breakdowns.

A table of aggregates (cells keyed by dimension values, plus every margin: per-department
subtotals, per-level subtotals, the overall total, parents in a department -> team hierarchy) is
published so that

1. every shown cell or margin has at least ``k`` responses (empty groups are shown as
   "No responses": they describe nobody);
2. no hidden cell or margin can be computed from the shown ones by adding and subtracting
   (the attacker's equations are "a margin is the sum of the cells it covers"); and
3. no group of 1..k-1 people that the table never shows can be computed either, such as the
   two people left over when a total of 12 and a team of 10 are shown.

The algorithm (``_choose_hidden``) hides every group with 0 < n < k, then repeats until stable:

* the sibling rule: under a shown parent, the hidden children must be at least two and hold
  at least ``k`` responses together; otherwise hide the smallest shown non-empty sibling (or
  the parent when there is none) -- the usual 1-D rule, iterated over rows and columns;
* an exact check with rational arithmetic that no hidden group's count lies in the span of
  the shown groups' equations; a hit is broken by hiding the smallest group its derivation uses;
* an integer-programming audit (HiGHS through SciPy) for any derivable set of hidden cells with
  1..k-1 responses; a hit is verified exactly and broken the same way.

Every round hides at least one more group and "everything hidden" satisfies all three rules,
so the loop ends. Sums of answers and each answer's count use the same equations as the
response counts, so what protects ``n`` protects them too.

Known limits: the guarantee is about linear derivation. A reader who also uses bounds (every
hidden group has at least one response, because empty ones are shown) can occasionally pin a
hidden count, for example five hidden teams under a shown total of 5 must hold one response
each; their answers stay pooled. A shown group whose members all gave the same answer reveals
that answer (thresholds cannot help there). Tables built from different records or dimensions
are not protected against each other: publish every view of a survey from one table that has
all the dimensions a reader can filter on, through :meth:`PublishedTable.select`.
"""

from __future__ import annotations

import enum
import hashlib
import random
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from itertools import combinations
from numbers import Real
from types import MappingProxyType
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

THRESHOLD_FLOOR = 3
DEFAULT_THRESHOLDS: Mapping[str, int] = MappingProxyType({"score": 5, "comment": 10})


class Margin(enum.Enum):
    """Marks a dimension that a group adds up over, as in ``("Sales", ALL)``."""

    ALL = "all"

    def __repr__(self) -> str:
        return "ALL"


ALL = Margin.ALL
Key = tuple[Hashable, ...]


def validate_threshold(k: int, kind: str = "score") -> int:
    """Return ``k`` if it may be used as the anonymity threshold for ``kind`` results.

    ``kind`` is ``"score"`` (counts, means, distributions) or ``"comment"`` (free text).
    """
    if kind not in DEFAULT_THRESHOLDS:
        known = ", ".join(sorted(DEFAULT_THRESHOLDS))
        raise ValueError(f"Unknown kind of result {kind!r}; expected one of: {known}.")
    if isinstance(k, bool) or not isinstance(k, int):
        raise ValueError(f"The anonymity threshold must be a whole number, got {k!r}.")
    if k < THRESHOLD_FLOOR:
        raise ValueError(
            f"The anonymity threshold for {kind} results must be at least {THRESHOLD_FLOOR} "
            f"responses (got {k}); smaller groups would let readers single people out. "
            f"The recommended value is {DEFAULT_THRESHOLDS[kind]}."
        )
    return k


# --- What a reader sees ---------------------------------------------------------------------


@dataclass(frozen=True)
class Aggregate:
    """The results of one group of responses.

    ``distribution`` maps each answer to how many gave it (empty when the table only counts
    people); ``total`` is the sum of the answers when all of them are numbers, else ``None``.
    """

    n: int
    distribution: Mapping[Hashable, int] = field(default_factory=lambda: MappingProxyType({}))
    total: float | None = None

    @property
    def mean(self) -> float | None:
        if self.total is None or self.n == 0:
            return None
        return self.total / self.n

    @classmethod
    def of_values(cls, values: Sequence[Hashable]) -> Aggregate:
        numeric = bool(values) and all(_is_number(value) for value in values)
        total = sum(_as_float(value) for value in values) if numeric else None
        return cls(len(values), MappingProxyType(dict(Counter(values))), total)

    @classmethod
    def count(cls, n: int) -> Aggregate:
        return cls(n)

    @classmethod
    def combine(cls, parts: Iterable[Aggregate]) -> Aggregate:
        parts = [part for part in parts if part.n > 0]
        distribution: Counter[Hashable] = Counter()
        for part in parts:
            distribution.update(part.distribution)
        totals = [part.total for part in parts]
        total = None if not parts or None in totals else sum(t for t in totals if t is not None)
        return cls(sum(part.n for part in parts), MappingProxyType(dict(distribution)), total)


@dataclass(frozen=True)
class NoResponses:
    """A group nobody in it answered; showing that reveals nothing about anyone."""

    @property
    def text(self) -> str:
        return "No responses"


class WithheldReason(enum.Enum):
    SMALL_GROUP = "small_group"
    FEWER_THAN_K = "fewer_than_k"
    PROTECTS_OTHERS = "protects_others"
    FILTER_SMALL_GROUP = "filter_small_group"
    FILTER_FEWER_THAN_K = "filter_fewer_than_k"
    FILTER_PROTECTS_OTHERS = "filter_protects_others"
    COMMENTS_FEWER_THAN_K = "comments_fewer_than_k"


_REASON_TEXTS: Mapping[WithheldReason, str] = MappingProxyType(
    {
        WithheldReason.SMALL_GROUP: (
            "Hidden to protect small groups: fewer than {k} responses here or in a related group"
        ),
        WithheldReason.FEWER_THAN_K: "Hidden: fewer than {k} responses",
        WithheldReason.PROTECTS_OTHERS: "Hidden to protect a small group elsewhere in this table",
        WithheldReason.FILTER_SMALL_GROUP: (
            "This filter is not available: it would reveal a group of fewer than {k} responses"
        ),
        WithheldReason.FILTER_FEWER_THAN_K: "This filter selects fewer than {k} responses",
        WithheldReason.FILTER_PROTECTS_OTHERS: (
            "This filter is not available: it would reveal a small group outside it"
        ),
        WithheldReason.COMMENTS_FEWER_THAN_K: (
            "Comments are shown only when at least {k} people have written one"
        ),
    }
)


@dataclass(frozen=True)
class Withheld:
    """A result that is not shown; ``n`` and the answers are withheld as well."""

    reason: WithheldReason
    k: int

    @property
    def text(self) -> str:
        return _REASON_TEXTS[self.reason].format(k=self.k)

    def __str__(self) -> str:
        return self.text


Published = Aggregate | NoResponses | Withheld


# --- The table before suppression ------------------------------------------------------------


@dataclass(frozen=True)
class AggregateTable:
    """Aggregates of the finest cells of a breakdown; margins are derived from them.

    ``nested_in`` maps a dimension to the one it sits inside (``{"team": "department"}``): a team
    is then only ever added up within its department, never across departments.
    """

    dimensions: tuple[str, ...]
    cells: Mapping[Key, Aggregate]
    nested_in: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        _check_dimensions(self.dimensions, self.nested_in)
        for key in self.cells:
            if len(key) != len(self.dimensions) or ALL in key:
                raise ValueError(f"Cell key {key!r} does not match dimensions {self.dimensions}.")

    @classmethod
    def from_records(
        cls,
        records: Iterable[Any],
        dimensions: Sequence[str],
        value: Callable[[Any], Hashable | None] | None = None,
        *,
        nested_in: Mapping[str, str] | None = None,
        keys: Iterable[Key] = (),
    ) -> AggregateTable:
        """Group records (objects or dicts) by ``dimensions``.

        ``value`` picks the answer to aggregate; a record whose answer is ``None`` skipped the
        question and is not counted. Without ``value`` the table counts records. ``keys`` lists
        cells that exist even with no records (every team of the organisation), so they show as
        "No responses" instead of being absent.
        """
        dims = tuple(dimensions)
        values_by_key: dict[Key, list[Hashable]] = {tuple(key): [] for key in keys}
        counts: Counter[Key] = Counter()
        for record in records:
            answer = value(record) if value is not None else None
            if value is not None and answer is None:
                continue
            key = tuple(_attribute(record, dim) for dim in dims)
            values_by_key.setdefault(key, [])
            counts[key] += 1
            if value is not None:
                values_by_key[key].append(answer)
        cells = {
            key: Aggregate.of_values(answers) if value is not None else Aggregate.count(counts[key])
            for key, answers in values_by_key.items()
        }
        return cls(dims, MappingProxyType(cells), MappingProxyType(dict(nested_in or {})))

    def groups(self) -> dict[Key, Aggregate]:
        """Every cell and margin with its aggregate, keyed with ``ALL`` for added-up dimensions."""
        layout = _Layout.of(self)
        return {group.key: self._aggregate(layout, group) for group in layout.groups}

    def _aggregate(self, layout: _Layout, group: _Group) -> Aggregate:
        return Aggregate.combine(self.cells[layout.atom_keys[atom]] for atom in group.atoms)


def _attribute(record: Any, name: str) -> Hashable:
    if isinstance(record, Mapping):
        return record[name]
    return getattr(record, name)


def _as_float(value: object) -> float:
    if isinstance(value, Real | Decimal):
        return float(value)
    raise TypeError(f"{value!r} is not a real number.")


def _is_number(value: object) -> bool:
    return isinstance(value, Real | Decimal) and not isinstance(value, bool)


def _check_dimensions(dimensions: tuple[str, ...], nested_in: Mapping[str, str]) -> None:
    if len(set(dimensions)) != len(dimensions):
        raise ValueError(f"Dimensions must be distinct: {dimensions}.")
    for child, parent in nested_in.items():
        if child not in dimensions or parent not in dimensions:
            raise ValueError(f"nested_in {child!r} -> {parent!r} names an unknown dimension.")
    for start in nested_in:
        seen = {start}
        current = start
        while current in nested_in:
            current = nested_in[current]
            if current in seen:
                raise ValueError(f"nested_in has a cycle through {start!r}.")
            seen.add(current)


# --- The published table ---------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedTable:
    """What may be shown: every cell and margin as an Aggregate, NoResponses or Withheld."""

    dimensions: tuple[str, ...]
    k: int
    entries: Mapping[Key, Published]
    nested_in: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def __getitem__(self, key: Key) -> Published:
        return self.entries[tuple(key)]

    @property
    def total(self) -> Published:
        return self.entries[(ALL,) * len(self.dimensions)]

    def cells(self) -> dict[Key, Published]:
        """The finest cells, without margins."""
        return {key: entry for key, entry in self.entries.items() if ALL not in key}

    def select(self, selection: Mapping[str, Hashable]) -> PublishedTable | Withheld:
        """The view with some dimensions fixed (a filter) or added up (value ``ALL``).

        Every entry of the view is an entry of this table, so views never disagree with each
        other. A filter is refused when its own group is withheld, and, as a second line of
        defence, when the responses outside it would form a shown-but-small group.
        """
        _check_selection(self.dimensions, self.nested_in, selection)
        fixed = {dim: val for dim, val in selection.items() if val is not ALL}
        selected_key = tuple(fixed.get(dim, ALL) for dim in self.dimensions)
        if selected_key not in self.entries:
            raise ValueError(f"No group matches the filter {dict(selection)!r}.")
        if fixed:
            refusal = self._refusal(selected_key, fixed)
            if refusal is not None:
                return refusal
        return self._view(selection)

    def _refusal(self, selected_key: Key, fixed: Mapping[str, Hashable]) -> Withheld | None:
        selected = self.entries[selected_key]
        if isinstance(selected, Withheld):
            return Withheld(_FILTER_REASONS[selected.reason], self.k)
        if not isinstance(selected, Aggregate):
            return None
        positions = [self.dimensions.index(dim) for dim in fixed]
        for size in range(1, len(positions) + 1):
            for relaxed in combinations(positions, size):
                key = tuple(ALL if i in relaxed else v for i, v in enumerate(selected_key))
                wider = self.entries.get(key)
                if isinstance(wider, Aggregate) and 0 < wider.n - selected.n < self.k:
                    return Withheld(WithheldReason.FILTER_PROTECTS_OTHERS, self.k)
        return None

    def _view(self, selection: Mapping[str, Hashable]) -> PublishedTable:
        shown = [i for i, dim in enumerate(self.dimensions) if dim not in selection]
        wanted = {self.dimensions.index(dim): val for dim, val in selection.items()}
        entries = {
            tuple(key[i] for i in shown): entry
            for key, entry in self.entries.items()
            if all(key[i] == val for i, val in wanted.items())
        }
        dims = tuple(self.dimensions[i] for i in shown)
        nested = {c: p for c, p in self.nested_in.items() if c in dims and p in dims}
        return PublishedTable(dims, self.k, MappingProxyType(entries), MappingProxyType(nested))


_FILTER_REASONS: Mapping[WithheldReason, WithheldReason] = MappingProxyType(
    {
        WithheldReason.SMALL_GROUP: WithheldReason.FILTER_SMALL_GROUP,
        WithheldReason.FEWER_THAN_K: WithheldReason.FILTER_FEWER_THAN_K,
        WithheldReason.PROTECTS_OTHERS: WithheldReason.FILTER_PROTECTS_OTHERS,
    }
)


def _check_selection(
    dimensions: tuple[str, ...], nested_in: Mapping[str, str], selection: Mapping[str, Hashable]
) -> None:
    for dim, val in selection.items():
        if dim not in dimensions:
            raise ValueError(f"Cannot filter on {dim!r}: the table has {dimensions}.")
        parent = nested_in.get(dim)
        if val is not ALL and parent is not None and selection.get(parent, ALL) is ALL:
            raise ValueError(f"Filtering on {dim!r} needs a value for {parent!r} as well.")


# --- Suppression -----------------------------------------------------------------------------


def suppress(
    table: AggregateTable, k: int, *, kind: str = "score", explain_reasons: bool = False
) -> PublishedTable:
    """Publish ``table`` so that no group of fewer than ``k`` responses can be seen or computed.

    By default every hidden entry carries the same reason. ``explain_reasons=True`` tells
    "fewer than k responses" apart from "hidden to protect a small group elsewhere"; that is
    friendlier but tells readers which hidden groups are small, which narrows what they could
    be (e.g. hidden 1-response team next to a hidden 5-response team under a known sum of 6).
    """
    validate_threshold(k, kind)
    layout = _Layout.of(table)
    hidden = _choose_hidden(layout, k)
    entries = {
        group.key: _publish_group(table, layout, index, hidden, k, explain_reasons)
        for index, group in enumerate(layout.groups)
    }
    return PublishedTable(
        table.dimensions, k, MappingProxyType(entries), MappingProxyType(dict(table.nested_in))
    )


def suppress_filtered(
    full_table: AggregateTable,
    selection: Mapping[str, Hashable],
    k: int,
    *,
    kind: str = "score",
    explain_reasons: bool = False,
) -> PublishedTable | Withheld:
    """The filtered view (``{"department": "Sales"}``) of the suppressed ``full_table``.

    ``full_table`` must have every dimension a reader can filter on, and the unfiltered view
    must come from the same table (``selection`` values ``ALL``), so all views share one
    suppression pattern and cannot be subtracted from each other.
    """
    published = suppress(full_table, k, kind=kind, explain_reasons=explain_reasons)
    return published.select(selection)


def _publish_group(
    table: AggregateTable,
    layout: _Layout,
    index: int,
    hidden: set[int],
    k: int,
    explain_reasons: bool,
) -> Published:
    group = layout.groups[index]
    if group.n == 0:
        return NoResponses()
    if index in hidden:
        if not explain_reasons:
            return Withheld(WithheldReason.SMALL_GROUP, k)
        small = group.n < k
        return Withheld(WithheldReason.FEWER_THAN_K if small else WithheldReason.PROTECTS_OTHERS, k)
    if group.n < k:  # unreachable by construction; never publish a small group by accident
        raise RuntimeError(f"Suppression left a group of {group.n} < {k} visible.")
    return table._aggregate(layout, group)


@dataclass(frozen=True)
class _Group:
    key: Key
    kept: frozenset[int]
    atoms: tuple[int, ...]
    n: int


@dataclass(frozen=True)
class _Constraint:
    """A parent group and the children that partition it along one more dimension."""

    parent: int
    children: tuple[int, ...]


@dataclass(frozen=True)
class _Layout:
    """Every group of the table and how they add up; atoms are the finest cells."""

    atom_keys: tuple[Key, ...]
    groups: tuple[_Group, ...]
    constraints: tuple[_Constraint, ...]
    atom_group: tuple[int, ...]

    @classmethod
    def of(cls, table: AggregateTable) -> _Layout:
        atom_keys = tuple(sorted(table.cells, key=_canonical))
        atom_n = [table.cells[key].n for key in atom_keys]
        patterns = _valid_patterns(table.dimensions, table.nested_in)
        members: dict[Key, list[int]] = {}
        kept_of: dict[Key, frozenset[int]] = {}
        for kept in patterns:
            for atom, key in enumerate(atom_keys):
                projected = _project(key, kept)
                members.setdefault(projected, []).append(atom)
                kept_of[projected] = kept
        groups = tuple(
            _Group(key, kept_of[key], tuple(atoms), sum(atom_n[a] for a in atoms))
            for key, atoms in members.items()
        )
        index = {group.key: i for i, group in enumerate(groups)}
        constraints = _constraints(groups, index, set(patterns))
        full = frozenset(range(len(table.dimensions)))
        atom_group = tuple(index[_project(key, full)] for key in atom_keys)
        return cls(atom_keys, groups, constraints, atom_group)


def _canonical(key: Key) -> tuple[tuple[str, str], ...]:
    """Order cells by value, never by record order (which could echo submission order)."""
    return tuple((type(value).__qualname__, repr(value)) for value in key)


def _project(key: Key, kept: frozenset[int]) -> Key:
    return tuple(value if i in kept else ALL for i, value in enumerate(key))


def _valid_patterns(
    dimensions: tuple[str, ...], nested_in: Mapping[str, str]
) -> list[frozenset[int]]:
    """Sets of kept dimensions, finest first; a nested dimension is kept only with its parent."""
    position = {dim: i for i, dim in enumerate(dimensions)}
    parent_of = {position[c]: position[p] for c, p in nested_in.items()}
    patterns = []
    for size in range(len(dimensions), -1, -1):
        for kept in combinations(range(len(dimensions)), size):
            if all(parent_of[i] in kept for i in kept if i in parent_of):
                patterns.append(frozenset(kept))
    return patterns


def _constraints(
    groups: tuple[_Group, ...], index: Mapping[Key, int], patterns: set[frozenset[int]]
) -> tuple[_Constraint, ...]:
    children: dict[tuple[int, int], list[int]] = {}
    for child_index, child in enumerate(groups):
        for dim in sorted(child.kept):
            coarser = child.kept - {dim}
            if coarser in patterns:
                parent = index[_project(child.key, coarser)]
                children.setdefault((parent, dim), []).append(child_index)
    return tuple(_Constraint(parent, tuple(kids)) for (parent, _), kids in children.items())


def _choose_hidden(layout: _Layout, k: int) -> set[int]:
    groups = layout.groups
    hidden = {i for i, group in enumerate(groups) if 0 < group.n < k}
    while True:
        _apply_sibling_rule(layout, hidden, k)
        extra = _break_derivations(layout, hidden, k)
        if not extra:
            return hidden
        if extra <= hidden:  # cannot happen: every fix names a shown group
            raise RuntimeError("Suppression stopped making progress.")
        hidden |= extra


def _apply_sibling_rule(layout: _Layout, hidden: set[int], k: int) -> None:
    """Under a shown parent, hidden children must be two or more and hold k or more together."""
    groups = layout.groups
    changed = True
    while changed:
        changed = False
        for constraint in layout.constraints:
            if constraint.parent in hidden:
                continue
            hidden_children = [c for c in constraint.children if c in hidden]
            mass = sum(groups[c].n for c in hidden_children)
            if not hidden_children or (len(hidden_children) >= 2 and mass >= k):
                continue
            candidates = [c for c in constraint.children if c not in hidden and groups[c].n > 0]
            hidden.add(min(candidates, key=lambda c: (groups[c].n, c), default=constraint.parent))
            changed = True


def _break_derivations(layout: _Layout, hidden: set[int], k: int) -> set[int]:
    """Groups to hide so that derivations found in this round stop working."""
    system = _System.of(layout, hidden)
    extra: set[int] = set()
    for target in sorted(hidden):
        unknown_atoms = system.unknown_atoms_of(layout.groups[target])
        certificate = system.span.express(unknown_atoms)
        if certificate is None:
            continue
        candidates = system.breakers(certificate, layout.groups[target].atoms)
        if not candidates & extra:
            extra.add(system.cheapest(candidates))
    if extra:
        return extra
    try:
        small = system.find_small_derivable_set(k)
    except _AuditUnavailable:  # fail closed: show nothing rather than something unchecked
        return set(range(len(layout.groups))) - hidden
    if small is None:
        return set()
    atoms, used = small
    certificate = system.span.express(system.unknown[a] for a in atoms)
    if certificate is not None:
        return {system.cheapest(system.breakers(certificate, atoms))}
    # The solver's answer did not survive exact arithmetic: still break what it combined.
    return {system.cheapest(set(used))} if used else set(range(len(layout.groups))) - hidden


class _AuditUnavailable(Exception):
    """The integer-programming audit could not reach a verdict."""


class _Span:
    """Exact row space of the shown groups' equations, remembering how each row was made."""

    def __init__(self) -> None:
        self._basis: list[tuple[int, dict[int, Fraction], dict[int, Fraction]]] = []

    def add(self, columns: Iterable[int], origin: int) -> None:
        vector, combination = self._reduce(
            dict.fromkeys(columns, Fraction(1)), {origin: Fraction(1)}
        )
        if vector:
            self._basis.append((min(vector), vector, combination))

    def express(self, columns: Iterable[int]) -> dict[int, Fraction] | None:
        """Coefficients per origin whose combination equals the 0/1 vector, or None."""
        vector, combination = self._reduce(dict.fromkeys(columns, Fraction(1)), {})
        if vector:
            return None
        return {origin: -c for origin, c in combination.items() if c}

    def _reduce(
        self, vector: dict[int, Fraction], combination: dict[int, Fraction]
    ) -> tuple[dict[int, Fraction], dict[int, Fraction]]:
        for pivot, row, row_combination in self._basis:
            factor = vector.get(pivot)
            if not factor:
                continue
            factor /= row[pivot]
            _subtract(vector, row, factor)
            _subtract(combination, row_combination, factor)
        return vector, combination


def _subtract(target: dict[int, Fraction], row: Mapping[int, Fraction], factor: Fraction) -> None:
    for column, value in row.items():
        updated = target.get(column, Fraction(0)) - factor * value
        if updated:
            target[column] = updated
        else:
            target.pop(column, None)


@dataclass
class _System:
    """What a reader can write down: one equation per shown group over the hidden cells."""

    layout: _Layout
    hidden: set[int]
    unknown: dict[int, int]  # atom -> column
    rows: dict[int, list[int]]  # shown group -> its unknown columns
    span: _Span

    @classmethod
    def of(cls, layout: _Layout, hidden: set[int]) -> _System:
        unknown_atoms = [a for a, g in enumerate(layout.atom_group) if g in hidden]
        unknown = {atom: column for column, atom in enumerate(unknown_atoms)}
        rows: dict[int, list[int]] = {}
        span = _Span()
        for index, group in enumerate(layout.groups):
            columns = [unknown[a] for a in group.atoms if a in unknown]
            if index not in hidden and columns:
                rows[index] = columns
                span.add(columns, index)
        return cls(layout, hidden, unknown, rows, span)

    def unknown_atoms_of(self, group: _Group) -> list[int]:
        return [self.unknown[a] for a in group.atoms if a in self.unknown]

    def breakers(
        self, certificate: Mapping[int, Fraction], target_atoms: Iterable[int]
    ) -> set[int]:
        """Shown groups whose hiding breaks this derivation: the groups it combines, and the
        shown cells it relies on (their coefficient in the combination is not zero)."""
        layout = self.layout
        weight: dict[int, Fraction] = {}
        for origin, coefficient in certificate.items():
            for atom in layout.groups[origin].atoms:
                weight[atom] = weight.get(atom, Fraction(0)) + coefficient
        for atom in target_atoms:
            if atom not in self.unknown:
                weight[atom] = weight.get(atom, Fraction(0)) - 1
        shown_cells = {
            layout.atom_group[atom]
            for atom, w in weight.items()
            if w and atom not in self.unknown and layout.groups[layout.atom_group[atom]].n > 0
        }
        return set(certificate) | shown_cells

    def cheapest(self, candidates: set[int]) -> int:
        """Hide the fewest responses, preferring finer groups (keep totals where we can)."""
        groups = self.layout.groups
        return min(candidates, key=lambda i: (groups[i].n, -len(groups[i].kept), i))

    def find_small_derivable_set(self, k: int) -> tuple[list[int], list[int]] | None:
        """A set of hidden cells with 1..k-1 responses whose sum the equations determine.

        Returns its cells (atom indices) and the shown groups the solver combined, or None
        if there is none.
        Solved as a mixed-integer feasibility problem: x (0/1 per small hidden cell) must equal
        a combination y of the shown groups' rows, with 1 <= sum(n * x) <= k - 1.
        """
        atom_n = {
            col: self.layout.groups[self.layout.atom_group[a]].n for a, col in self.unknown.items()
        }
        small = [col for col in sorted(atom_n) if atom_n[col] < k]
        if not small or not self.rows:
            return None
        origins = list(self.rows)
        n_y, n_x = len(origins), len(small)
        matrix = np.zeros((len(atom_n) + 1, n_y + n_x))
        for j, origin in enumerate(origins):
            for col in self.rows[origin]:
                matrix[col, j] = 1.0
        for j, col in enumerate(small):
            matrix[col, n_y + j] = -1.0
            matrix[len(atom_n), n_y + j] = atom_n[col]
        lower = np.zeros(len(atom_n) + 1)
        upper = np.zeros(len(atom_n) + 1)
        lower[-1], upper[-1] = 1, k - 1
        result = milp(
            c=np.zeros(n_y + n_x),
            constraints=LinearConstraint(matrix, lower, upper),
            integrality=np.r_[np.zeros(n_y), np.ones(n_x)],
            bounds=Bounds(
                np.r_[np.full(n_y, -np.inf), np.zeros(n_x)],
                np.r_[np.full(n_y, np.inf), np.ones(n_x)],
            ),
        )
        if result.status == 2:  # infeasible: no such set
            return None
        if result.status != 0 or result.x is None:
            raise _AuditUnavailable(result.message)
        column_atom = {column: atom for atom, column in self.unknown.items()}
        chosen = [column_atom[small[j]] for j in range(n_x) if result.x[n_y + j] > 0.5]
        used = [origins[j] for j in range(n_y) if abs(result.x[j]) > 1e-7]
        return chosen, used


# --- Free-text comments ----------------------------------------------------------------------


@dataclass(frozen=True)
class Comment:
    """A free-text answer; ``respondent`` is the anonymous response's id, never a user id."""

    respondent: Hashable
    text: str


@dataclass(frozen=True)
class PublishedComments:
    texts: tuple[str, ...]


def publish_comments(
    comments: Iterable[Comment], k: int = 10, *, seed: int | str | None = None
) -> PublishedComments | Withheld:
    """The non-blank comments, if at least ``k`` distinct respondents wrote one.

    The order depends only on the set of texts and ``seed`` (use the survey's id), never on the
    order they arrive in, so it cannot be matched with submission order. Comment sets of
    overlapping groups can be intersected, which count suppression does not cover: show
    comments for one level of one breakdown only.
    """
    validate_threshold(k, "comment")
    written = [comment for comment in comments if comment.text.strip()]
    if len({comment.respondent for comment in written}) < k:
        return Withheld(WithheldReason.COMMENTS_FEWER_THAN_K, k)
    texts = sorted(comment.text for comment in written)
    if seed is None:
        seed = hashlib.sha256("\0".join(texts).encode()).hexdigest()
    # Not a secret: the shuffle only has to be independent of arrival order, and repeatable.
    random.Random(seed).shuffle(texts)  # noqa: S311
    return PublishedComments(tuple(texts))

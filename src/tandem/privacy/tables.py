"""A table of aggregates before suppression and the published table after it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from types import MappingProxyType
from typing import Any

from tandem.privacy.layout import Group, Layout
from tandem.privacy.records import (
    ALL,
    Aggregate,
    Key,
    Published,
    Withheld,
    WithheldReason,
)


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
        layout = Layout.of(self)
        return {group.key: self._aggregate(layout, group) for group in layout.groups}

    def _aggregate(self, layout: Layout, group: Group) -> Aggregate:
        return Aggregate.combine(self.cells[layout.atom_keys[atom]] for atom in group.atoms)


def _attribute(record: object, name: str) -> Hashable:
    value: Hashable = record[name] if isinstance(record, Mapping) else getattr(record, name)
    return value


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

"""Which filtered views of one population a reader may open: the dashboards' release plan.

A dashboard, its export, its report and its API all show the same figures for the whole
population and for every filter a reader can choose (one department, one career level, or
both). Each figure is a count or a sum over the people in the view, so the reader can write
"view = sum of the people in it" for every view they open and solve that system. Deciding view
by view ("refuse a filter of fewer than k") is not enough: the total minus seven shown levels
gives the eighth.

:func:`plan_release` therefore builds one table of head counts with every filterable dimension,
runs the table suppression (:func:`tandem.privacy.suppress`: small groups hidden, complementary
suppression across the whole lattice of margins, exact and integer-programming audits), and a
view may be opened only when its group is published. Every reachable view is a group of that
one table, so no combination of opened views pins down a hidden group of fewer than ``k``
people, or one person; the same holds for every figure that adds up over people (counts, sums
of days, answers), which share the head counts' equations.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from tandem.privacy.records import ALL, Aggregate, Key, Withheld, WithheldReason
from tandem.privacy.suppression import suppress
from tandem.privacy.tables import AggregateTable, PublishedTable


@dataclass(frozen=True)
class ReleasePlan:
    """The suppression pattern of one population's head counts over every filter."""

    dimensions: tuple[str, ...]
    k: int
    published: PublishedTable
    population: int

    def refusal(self, selection: Mapping[str, Hashable | None]) -> Withheld | None:
        """Why the view with these filters may not be shown, or None when it may.

        ``selection`` maps a dimension to the chosen value; ``None`` (or a missing dimension)
        means "not filtered". A value with nobody in it is allowed: it describes nobody. The
        unfiltered view is refused only when the whole population is a small group.
        """
        unknown = set(selection) - set(self.dimensions)
        if unknown:
            raise ValueError(f"Cannot filter on {sorted(unknown)}: the plan has {self.dimensions}.")
        fixed = {dim: value for dim, value in selection.items() if value is not None}
        if 0 < self.population < self.k:
            return Withheld(WithheldReason.FILTER_FEWER_THAN_K, self.k)
        if not fixed:
            return None
        if isinstance(self.published.total, Withheld):
            # The unfiltered view is always shown; if the pattern hid it, no filter is safe.
            return Withheld(WithheldReason.FILTER_SMALL_GROUP, self.k)
        key = tuple(fixed.get(dim, ALL) for dim in self.dimensions)
        if key not in self.published.entries:
            return None
        view = self.published.select(fixed)
        return view if isinstance(view, Withheld) else None

    def shown(self) -> list[dict[str, Hashable]]:
        """Every non-empty view a reader may open (the unfiltered one included)."""
        views = []
        for key, entry in self.published.entries.items():
            selection = {d: v for d, v in zip(self.dimensions, key, strict=True) if v is not ALL}
            if isinstance(entry, Aggregate) and self.refusal(selection) is None:
                views.append(selection)
        return views


def plan_release(members: Iterable[Key], dimensions: Sequence[str], k: int = 5) -> ReleasePlan:
    """The release plan for a population given as one key per person (``(department, level)``).

    ``None`` is a value like any other (people without a department form their own cell); it
    cannot be chosen as a filter, which only removes views.
    """
    return plan_release_counts(Counter(tuple(key) for key in members), dimensions, k)


def plan_release_counts(
    counts: Mapping[Key, int], dimensions: Sequence[str], k: int = 5
) -> ReleasePlan:
    """``plan_release`` for head counts per key, as a database ``GROUP BY`` returns them (the
    same plan, without reading one row per person)."""
    dims = tuple(dimensions)
    merged: Counter[Key] = Counter()
    for key, n in counts.items():
        if len(key) != len(dims):
            raise ValueError(f"Member key {key!r} does not match dimensions {dims}.")
        merged[tuple(key)] += n
    cells = {key: Aggregate.count(n) for key, n in merged.items() if n > 0}
    table = AggregateTable(dims, MappingProxyType(cells))
    return ReleasePlan(dims, k, suppress(table, k), sum(merged.values()))

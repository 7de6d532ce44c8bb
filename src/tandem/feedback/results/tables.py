"""One suppressed table per question over every breakdown dimension, and the views a reader may
select from it (everyone, one breakdown, one filter)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass

from tandem.feedback.models import (
    LevelBand,
)
from tandem.feedback.results.numbers import nps_of
from tandem.privacy import (
    ALL,
    Aggregate,
    AggregateTable,
    NoResponses,
    Published,
    PublishedTable,
    Withheld,
    WithheldReason,
    suppress,
)
from tandem.programs.models import EnrolmentRole

DIMENSIONS: tuple[str, ...] = ("department", "level_band", "role")


BREAKDOWNS: Mapping[str, str] = {
    "department": "Department",
    "level_band": "Career level",
    "role": "Role in the program",
}


NOT_RECORDED = "Not recorded, or combined for privacy"


@dataclass(frozen=True)
class Record:
    """One respondent's answer to one question, with the groups copied onto the response."""

    respondent: str
    department: str
    level_band: str
    role: str
    value: Hashable


Groups = tuple[str, str, str]


Only = tuple[str, str]


def group_label(dimension: str, value: Hashable) -> str:
    if value is ALL:
        return "Everyone"
    if value in ("", None):
        return NOT_RECORDED
    if dimension == "level_band":
        return str(dict(LevelBand.choices).get(str(value), value))
    if dimension == "role":
        return str(dict(EnrolmentRole.choices).get(str(value), value))
    return str(value)


def publish_table(
    records: Iterable[Record], k: int, *, counting: bool = False, groups: Iterable[Groups] = ()
) -> PublishedTable:
    """Suppress one question's answers (or, with ``counting``, the respondents) at ``k``.

    ``groups`` lists groups that exist even without answers (the invited people's groups), so
    they are listed and look exactly like hidden ones.
    """
    value: Callable[[Record], Hashable | None] | None = None if counting else (lambda r: r.value)
    table = AggregateTable.from_records(
        sorted(records, key=lambda r: r.respondent), DIMENSIONS, value, keys=set(groups)
    )
    return suppress(table, k)


@dataclass(frozen=True)
class Cell:
    """One group as a reader sees it: its results, or why they are not shown."""

    dimension: str
    value: Hashable
    entry: Published
    k: int

    @property
    def label(self) -> str:
        return group_label(self.dimension, self.value)

    @property
    def shown(self) -> bool:
        return isinstance(self.entry, Aggregate)

    @property
    def aggregate(self) -> Aggregate | None:
        return self.entry if isinstance(self.entry, Aggregate) else None

    @property
    def n(self) -> int | None:
        return self.entry.n if isinstance(self.entry, Aggregate) else None

    @property
    def mean(self) -> float | None:
        return self.entry.mean if isinstance(self.entry, Aggregate) else None

    @property
    def nps(self) -> int | None:
        return nps_of(self.entry) if isinstance(self.entry, Aggregate) else None

    @property
    def signed_mean(self) -> str:
        mean = self.mean
        return "" if mean is None else f"{mean:+.1f}"

    @property
    def empty(self) -> bool:
        return isinstance(self.entry, NoResponses)

    @property
    def hidden_text(self) -> str:
        if isinstance(self.entry, Withheld):
            return self.entry.text
        if isinstance(self.entry, NoResponses):  # look exactly like a hidden group
            return Withheld(WithheldReason.SMALL_GROUP, self.k).text
        return ""


@dataclass(frozen=True)
class View:
    """The selected group (everyone, or the filter) and, with a breakdown, its groups."""

    total: Cell
    groups: tuple[Cell, ...] = ()
    refused: Withheld | None = None


def select_view(published: PublishedTable, *, breakdown: str | None, only: Only | None) -> View:
    """One reader's view of a published table: a ``select`` of it, so views never disagree."""
    selection: dict[str, Hashable] = {d: ALL for d in DIMENSIONS if d != breakdown}
    if only is not None:
        selection[only[0]] = only[1]
    total_dimension = only[0] if only else "everyone"
    total_value = only[1] if only else ALL
    full_key = tuple(selection.get(d, ALL) for d in DIMENSIONS)
    if full_key not in published.entries:  # nobody in the filtered group answered
        return View(Cell(total_dimension, total_value, NoResponses(), published.k))
    view = published.select(selection)
    if isinstance(view, Withheld):
        return View(Cell(total_dimension, total_value, view, published.k), refused=view)
    total = Cell(total_dimension, total_value, view.total, published.k)
    if breakdown is None:
        return View(total)
    groups = tuple(
        Cell(breakdown, key[0], entry, published.k)
        for key, entry in sorted(view.cells().items(), key=lambda item: _sort_key(item[0][0]))
    )
    return View(total, groups)


def _sort_key(value: Hashable) -> tuple[int, str]:
    return (1, "") if value in ("", None) else (0, str(value))

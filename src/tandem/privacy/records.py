"""What a reader of a suppressed table sees: an aggregate, "no responses" or withheld."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from numbers import Real
from types import MappingProxyType


class Margin(enum.Enum):
    """Marks a dimension that a group adds up over, as in ``("Sales", ALL)``."""

    ALL = "all"

    def __repr__(self) -> str:
        return "ALL"


ALL = Margin.ALL
Key = tuple[Hashable, ...]


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


def _as_float(value: object) -> float:
    if isinstance(value, Real | Decimal):
        return float(value)
    raise TypeError(f"{value!r} is not a real number.")


def _is_number(value: object) -> bool:
    return isinstance(value, Real | Decimal) and not isinstance(value, bool)

"""What the dashboards show: filters, one KPI, a dashboard, a row of the organisation view;
and how figures are written."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import (
    Q,
)

from tandem.programs.models import Program
from tandem.relationships.models import (
    RelationshipStatus,
)
from tandem.ui.charts import Point

K_MIN = 5


HORIZONS = (183, 365)


PUBLISHED = (
    RelationshipStatus.PROPOSED,
    RelationshipStatus.ACTIVE,
    RelationshipStatus.ENDED,
    RelationshipStatus.DECLINED,
)


RAN = (RelationshipStatus.ACTIVE, RelationshipStatus.ENDED)


LIVE = (RelationshipStatus.PROPOSED, RelationshipStatus.ACTIVE)


@dataclass(frozen=True)
class Filters:
    department_id: int | None = None
    level: int | None = None

    @property
    def active(self) -> bool:
        return self.department_id is not None or self.level is not None

    def q(self, prefix: str = "person__") -> Q:
        condition = Q()
        if self.department_id is not None:
            condition &= Q(**{f"{prefix}department_id": self.department_id})
        if self.level is not None:
            condition &= Q(**{f"{prefix}level": self.level})
        return condition


@dataclass
class Kpi:
    key: str
    label: str
    value: float | None
    display: str
    detail: str = ""
    n: int = 0

    @property
    def number_format(self) -> str:
        """How a spreadsheet shows ``value``: as the dashboard does (73%, 4.2 days, 3.5)."""
        if self.display.endswith("%"):
            return "0%"
        if self.display.endswith("days"):
            return '0.0 "days"'
        return "0" if float(self.value or 0).is_integer() else "0.0"


@dataclass
class Dashboard:
    program: Program
    filters: Filters
    refused: str = ""
    kpis: list[Kpi] = field(default_factory=list)
    signups: list[Point] = field(default_factory=list)
    meetings_histogram: list[Point] = field(default_factory=list)
    reciprocity: list[Point] = field(default_factory=list)
    health: list[Point] = field(default_factory=list)
    goals: list[Point] = field(default_factory=list)

    def kpi(self, key: str) -> Kpi | None:
        return next((k for k in self.kpis if k.key == key), None)


def as_percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def as_days(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} days"


def as_ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def days_between(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds() / 86400


@dataclass
class ProgramRow:
    program: Program
    enrolled: int
    matched: int
    live: int
    held: int
    at_risk: int

    @property
    def match_rate(self) -> float | None:
        return as_ratio(self.matched, self.enrolled)

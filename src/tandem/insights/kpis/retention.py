"""Retention against comparable non-participants, the mix of departments, and meeting counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from django.db.models import (
    Count,
    Q,
)
from django.utils import timezone

from tandem.insights.kpis.records import HORIZONS, K_MIN, RAN, Dashboard, Kpi, as_percent, as_ratio
from tandem.insights.kpis.scope import Scope
from tandem.insights.kpis.sections import Row
from tandem.people.models import Person
from tandem.relationships.models import (
    Reciprocity,
)
from tandem.ui.charts import Point


@dataclass
class Cohort:
    """Participants who enrolled at least ``horizon`` days ago, by department and level."""

    horizon: int
    strata: dict[tuple[int | None, int | None], int]
    n: int
    kept: int
    reference: date | None = None


def retention_kpis(scope: Scope, now: datetime, rows: list[dict[str, Any]]) -> list[Kpi]:
    """``rows``: ``strata(program, now)``; the scope's filters pick its strata."""
    rows = [row for row in rows if scope.picks(row)]
    cohorts = []
    for horizon in HORIZONS:
        strata = {
            (row["department_id"], row["level"]): row[f"n_{horizon}"]
            for row in rows
            if row[f"n_{horizon}"]
        }
        cohort = Cohort(
            horizon,
            strata,
            sum(strata.values()),
            sum(row[f"kept_{horizon}"] for row in rows),
        )
        if cohort.n >= K_MIN:
            enrolments = scope.enrolments().filter(created_at__lte=now - timedelta(days=horizon))
            middle = enrolments.order_by("created_at").values_list("created_at", flat=True)
            cohort.reference = timezone.localdate(middle[cohort.n // 2])
        cohorts.append(cohort)
    baselines = comparable_retention([c for c in cohorts if c.reference is not None])
    results = []
    for cohort in cohorts:
        horizon = cohort.horizon
        label = f"Retention after {horizon // 30} months"
        if cohort.reference is None:
            results.append(
                Kpi(
                    f"retention_{horizon}",
                    label,
                    None,
                    "—",
                    f"needs {K_MIN} people enrolled {horizon // 30}+ months ago",
                    cohort.n,
                )
            )
            continue
        rate = cohort.kept / cohort.n
        baseline = baselines.get(horizon)
        detail = (
            f"vs. {baseline * 100:.0f}% of comparable colleagues who did not take part"
            if baseline is not None
            else "no comparable group"
        )
        results.append(Kpi(f"retention_{horizon}", label, rate, as_percent(rate), detail, cohort.n))
    return results


def comparable_retention(cohorts: list[Cohort]) -> dict[int, float]:
    """Retention of people who never enrolled in any program, weighted to each cohort's mix of
    departments and levels, over the same period from the cohort's median sign-up date (one
    pass over the organisation for all horizons)."""
    if not cohorts:
        return {}
    aggregates: dict[str, Any] = {}
    for cohort in cohorts:
        assert cohort.reference is not None
        reference, end = cohort.reference, cohort.reference + timedelta(days=cohort.horizon)
        present = (Q(hire_date__isnull=True) | Q(hire_date__lte=reference)) & (
            Q(left_on__isnull=True) | Q(left_on__gt=reference)
        )
        stayed = Q(left_on__isnull=True) | Q(left_on__gt=end)
        aggregates[f"n_{cohort.horizon}"] = Count("id", filter=present)
        aggregates[f"kept_{cohort.horizon}"] = Count("id", filter=present & stayed)
    others = cast(
        list[dict[str, Any]],
        list(
            Person.objects.filter(enrolments__isnull=True)
            .order_by()
            .values("department_id", "level")
            .annotate(**aggregates)
        ),
    )
    weighted = dict.fromkeys((c.horizon for c in cohorts), 0.0)
    totals = dict.fromkeys((c.horizon for c in cohorts), 0.0)
    for row in others:
        for cohort in cohorts:
            weight = cohort.strata.get((row["department_id"], row["level"]))
            n = row[f"n_{cohort.horizon}"]
            if weight and n:
                weighted[cohort.horizon] += weight * row[f"kept_{cohort.horizon}"] / n
                totals[cohort.horizon] += weight
    return {h: weighted[h] / totals[h] for h in totals if totals[h]}


def mix_kpis(rows: list[Row], board: Dashboard) -> list[Kpi]:
    ran = [r for r in rows if r.status in RAN]
    relationships = sum(r.n for r in ran)
    crossing = sum(r.n for r in ran if r.crosses_departments)
    share = as_ratio(crossing, relationships)
    buckets: Counter[str] = Counter()
    for row in ran:
        if row.reciprocity:
            buckets[row.reciprocity] += row.n
    board.reciprocity = [
        Point(choice.label, buckets.get(choice.value, 0)) for choice in Reciprocity
    ]
    balanced = as_ratio(buckets.get(Reciprocity.BALANCED, 0), sum(buckets.values()))
    return [
        Kpi(
            "cross_department",
            "Matches across departments",
            share,
            as_percent(share),
            f"{crossing} of {relationships}",
            relationships,
        ),
        Kpi(
            "reciprocity",
            "Balanced matches (both hats)",
            balanced,
            as_percent(balanced),
            f"of {sum(buckets.values())} matches with logged topics",
            sum(buckets.values()),
        ),
    ]


def meetings_histogram(rows: list[Row]) -> list[Point]:
    counts: Counter[int] = Counter()
    for row in rows:
        if row.status in RAN:
            counts[min(row.held, 8)] += row.n
    return [Point("8+" if n == 8 else str(n), counts.get(n, 0)) for n in range(0, 9)]

"""Training before matching and library use, as KPIs. The figures come from
``tandem.learning``; like every KPI they are over the dashboard's scope (refused below five
people), and a median is shown only over five people or more."""

from __future__ import annotations

from tandem.insights.kpis.records import K_MIN, Kpi, as_days, as_percent, as_ratio
from tandem.insights.kpis.scope import Scope
from tandem.learning.selectors import library_readers, training_figures


def learning_kpis(scope: Scope) -> list[Kpi]:
    people = scope.people() if scope.filters.active else None
    kpis = []
    figures = training_figures(scope.program, people)
    if figures is not None:
        rate = as_ratio(figures.complete, figures.required)
        kpis.append(
            Kpi(
                "training_completion",
                "Required training done",
                rate,
                as_percent(rate),
                f"{figures.complete} of {figures.required} people",
                figures.required,
            )
        )
        shown = figures.timed >= K_MIN
        median = figures.median_days if shown else None
        kpis.append(
            Kpi(
                "training_time",
                "Enrolment to training done",
                median,
                as_days(median),
                f"median over {figures.timed} people"
                if shown
                else f"shown from {K_MIN} people who finished ({figures.timed} so far)",
                figures.timed,
            )
        )
    readers, total = library_readers(scope.program, people)
    share = as_ratio(readers, total)
    kpis.append(
        Kpi(
            "library_use",
            "Participants using the library",
            share,
            as_percent(share),
            f"{readers} of {total} opened an item",
            total,
        )
    )
    return kpis

"""A program's dashboard and the organisation view across programs."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from django.db.models import (
    Count,
    Q,
    QuerySet,
    Sum,
)
from django.utils import timezone

from tandem.insights.kpis.community import community_kpis
from tandem.insights.kpis.learning import learning_kpis
from tandem.insights.kpis.records import LIVE, Dashboard, Filters, ProgramRow
from tandem.insights.kpis.retention import meetings_histogram, mix_kpis, retention_kpis
from tandem.insights.kpis.scope import Scope, refusal, strata
from tandem.insights.kpis.sections import (
    closing_kpis,
    engagement_kpis,
    goal_kpis,
    matching_kpis,
    meeting_kpis,
    relationship_rows,
    signup_kpis,
)
from tandem.programs.models import Enrolment, EnrolmentStatus, Program
from tandem.relationships.models import (
    Membership,
    Relationship,
    RelationshipStatus,
)
from tandem.ui.charts import Point


def dashboard(
    program: Program, filters: Filters | None = None, *, now: datetime | None = None
) -> Dashboard:
    filters = filters or Filters()
    now = now or timezone.now()
    board = Dashboard(program=program, filters=filters)
    scope = Scope(program, filters)
    rows_by_stratum = strata(program, now)
    board.refused = refusal(program, filters, rows_by_stratum)
    if board.refused:
        return board
    rows = relationship_rows(scope)
    board.signups = signup_kpis(scope)
    board.kpis += matching_kpis(scope)
    board.kpis += meeting_kpis(scope, rows, now)
    board.kpis += engagement_kpis(scope, now)
    board.kpis += goal_kpis(scope, sum(r.n for r in rows), board)
    board.kpis += closing_kpis(scope)
    board.kpis += retention_kpis(scope, now, rows_by_stratum)
    board.kpis += mix_kpis(rows, board)
    board.kpis += learning_kpis(scope)
    board.kpis += community_kpis(scope, now)
    board.meetings_histogram = meetings_histogram(rows)
    health: Counter[str] = Counter()
    for row in rows:
        if row.status in LIVE:
            health[row.health] += row.n
    board.health = [
        Point("On track", health["on_track"]),
        Point("Needs attention", health["attention"]),
        Point("At risk", health["at_risk"]),
    ]
    return board


def organisation(programs: QuerySet[Program] | list[Program]) -> list[ProgramRow]:
    """Headline numbers per program, for the admin's organisation view (three queries)."""
    programs = list(programs)
    ids = [p.pk for p in programs]
    enrolled = dict(
        Enrolment.objects.filter(program_id__in=ids, status=EnrolmentStatus.ACTIVE)
        .values_list("program_id")
        .annotate(n=Count("id"))
        .values_list("program_id", "n")
    )
    matched = dict(
        Membership.objects.filter(relationship__program_id__in=ids)
        .values_list("relationship__program_id")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("relationship__program_id", "n")
    )
    stats: dict[int, dict[str, Any]] = {
        row["program_id"]: dict(row)
        for row in Relationship.objects.filter(program_id__in=ids)
        .values("program_id")
        .annotate(
            live=Count("id", filter=Q(status=RelationshipStatus.ACTIVE)),
            held=Sum("meetings_held"),
            risk=Count("id", filter=Q(status=RelationshipStatus.ACTIVE, health="at_risk")),
        )
    }
    return [
        ProgramRow(
            p,
            enrolled.get(p.pk, 0),
            matched.get(p.pk, 0),
            stats.get(p.pk, {}).get("live", 0),
            stats.get(p.pk, {}).get("held") or 0,
            stats.get(p.pk, {}).get("risk", 0),
        )
        for p in programs
    ]

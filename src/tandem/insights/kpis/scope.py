"""Which relationships, enrolments and people a filtered dashboard covers, and when a filter is
refused because it — alone or with other views — would single out fewer than five people."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Count,
    F,
    Func,
    Q,
    QuerySet,
    Value,
)

from tandem.insights.kpis.records import HORIZONS, K_MIN, PUBLISHED, Filters
from tandem.privacy import plan_release_counts
from tandem.programs.models import Enrolment, EnrolmentStatus, Program
from tandem.relationships.models import (
    Membership,
    Relationship,
)

FILTER_DIMENSIONS = ("department", "level")


class _AnyOf(Func):
    """``column = ANY(array)``: PostgreSQL probes one array parameter as a hashed set, faster
    than an ``IN`` subquery or thousands of bound values."""

    arg_joiner = " = ANY("
    template = "(%(expressions)s))"
    output_field = BooleanField()


def _bigint_array(ids: list[int]) -> Value:
    from django.contrib.postgres.fields import ArrayField

    return Value(ids, output_field=ArrayField(BigIntegerField()))


class Scope:
    """The participants and relationships a dashboard covers, as database subqueries."""

    def __init__(self, program: Program, filters: Filters) -> None:
        self.program, self.filters = program, filters
        self._chosen_ids: list[int] | None = None

    def enrolments(self) -> QuerySet[Enrolment]:
        return Enrolment.objects.filter(program=self.program, status=EnrolmentStatus.ACTIVE).filter(
            self.filters.q()
        )

    def people(self) -> Any:
        """The chosen participants' person ids, as a subquery."""
        return self.enrolments().values("person_id")

    def relationships(self) -> QuerySet[Relationship]:
        relationships = Relationship.objects.filter(program=self.program, status__in=PUBLISHED)
        if not self.filters.active:
            return relationships
        chosen = relationships.filter(
            pk__in=Membership.objects.filter(person_id__in=self.people()).values("relationship_id")
        )
        if connection.vendor != "postgresql":
            return chosen
        # A filtered dashboard asks about these matches in several queries; finding them once and
        # passing them as one array spares PostgreSQL re-running the same three-table semi-join.
        if self._chosen_ids is None:
            self._chosen_ids = list(chosen.order_by().values_list("pk", flat=True))
        return Relationship.objects.filter(_AnyOf(F("pk"), _bigint_array(self._chosen_ids)))

    def picks(self, row: dict[str, Any]) -> bool:
        """Whether a ``strata()`` row is in scope (the filters are department and level)."""
        department, level = self.filters.department_id, self.filters.level
        return (department is None or row["department_id"] == department) and (
            level is None or row["level"] == level
        )

    def relationship_q(self, path: str, **extra: Any) -> Q:
        """Rows whose relationship (at ``path``) is in scope: a plain join when unfiltered,
        which the database plans far better than an ``IN`` subquery over 50,000 matches."""
        if self.filters.active:
            return Q(**{f"{path}__in": self.relationships().filter(**extra)})
        conditions = {f"{path}__program": self.program, f"{path}__status__in": PUBLISHED}
        conditions.update({f"{path}__{key}": value for key, value in extra.items()})
        return Q(**conditions)

    def restrict_people(self, queryset: Any, field_name: str) -> Any:
        return (
            queryset.filter(**{f"{field_name}__in": self.people()})
            if self.filters.active
            else queryset
        )


def strata(program: Program, now: datetime) -> list[dict[str, Any]]:
    """The program's active participants per (department, level): how many (``n``) and, for
    each retention window, how many enrolled at least that long ago (``n_183``) and how many of
    them stayed that long (``kept_183``). One grouped scan of enrolments × people serves the
    release plan and both retention cohorts, for every filter (filters pick strata)."""
    aggregates: dict[str, Any] = {"n": Count("id")}
    for horizon in HORIZONS:
        period = timedelta(days=horizon)
        enrolled = Q(created_at__lte=now - period)
        stayed = Q(person__left_on__isnull=True) | Q(person__left_on__gt=F("created_at") + period)
        aggregates[f"n_{horizon}"] = Count("id", filter=enrolled)
        aggregates[f"kept_{horizon}"] = Count("id", filter=enrolled & stayed)
    rows = (
        Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE)
        .order_by()
        .values(department_id=F("person__department_id"), level=F("person__level"))
        .annotate(**aggregates)
    )
    return [dict(row) for row in rows]


def refusal(program: Program, filters: Filters, rows: list[dict[str, Any]] | None = None) -> str:
    """Why a filtered view may not be shown ("" when it may).

    One release plan over the program's active participants by department and career level
    decides every filter at once (``tandem.privacy.plan_release``), so no set of views a
    reader can open — the total, each department, each level, each pair of them — can be
    added and subtracted to describe fewer than ``K_MIN`` people. ``rows``: ``strata()``, when
    the caller has read them already.
    """
    if rows is None:
        rows = [
            dict(row)
            for row in Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE)
            .order_by()
            .values(department_id=F("person__department_id"), level=F("person__level"))
            .annotate(n=Count("id"))
        ]
    counts = [(row["department_id"], row["level"], row["n"]) for row in rows]
    plan = plan_release_counts({(d, lvl): n for d, lvl, n in counts}, FILTER_DIMENSIONS, K_MIN)
    if plan.refusal({"department": filters.department_id, "level": filters.level}) is None:
        return ""
    if not filters.active:
        return (
            f"The program has fewer than {K_MIN} participants; its figures appear once "
            f"{K_MIN} have enrolled."
        )
    return (
        f"This filter is not available: on its own or subtracted from other views it would "
        f"describe fewer than {K_MIN} participants. Choose a wider group."
    )

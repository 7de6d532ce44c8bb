"""The program KPIs a manager watches, computed with aggregate queries.

Each KPI is defined in one place (the function that computes it). The work is done by the
database: counts and averages over enrolments and memberships, and one row per relationship with
the meeting and topic counters the relationship services keep (``Relationship.meetings_held``,
``topic_counts`` …), so a dashboard never scans a million meetings.

Filters (department, career level) narrow the *participants*; relationship KPIs then cover
matches with at least one member in that group. A filtered view is refused when it — or the rest
of the program — would describe fewer than ``K_MIN`` people, so nobody can subtract it from the
full dashboard to learn about a small group.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast

from django.db import connection
from django.db.models import (
    Avg,
    BigIntegerField,
    BooleanField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate, TruncWeek
from django.utils import timezone

from tandem.people.models import Person
from tandem.programs.models import Enrolment, EnrolmentRole, EnrolmentStatus, Program, ProgramKind
from tandem.relationships.health import CADENCE_DAYS
from tandem.relationships.models import (
    ClosingSummary,
    Goal,
    GoalStatus,
    Membership,
    Reciprocity,
    Relationship,
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


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _days(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} days"


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def _in_days(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds() / 86400


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


def refusal(total: int, chosen: int) -> str:
    """Why a filtered view may not be shown ("" when it may)."""
    rest = total - chosen
    if 0 < chosen < K_MIN:
        return f"Fewer than {K_MIN} participants match these filters, so their results are hidden."
    if 0 < rest < K_MIN:
        return (
            f"These filters leave out fewer than {K_MIN} participants, who could be worked out "
            "by comparing with the whole program; choose a wider group."
        )
    return ""


def dashboard(
    program: Program, filters: Filters | None = None, *, now: datetime | None = None
) -> Dashboard:
    filters = filters or Filters()
    now = now or timezone.now()
    board = Dashboard(program=program, filters=filters)
    scope = Scope(program, filters)
    if filters.active:
        counts = Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE).aggregate(
            total=Count("id"), chosen=Count("id", filter=filters.q())
        )
        board.refused = refusal(counts["total"], counts["chosen"])
        if board.refused:
            return board
    rows = _relationship_rows(scope)
    board.signups = _signups(scope)
    board.kpis += _matching_kpis(scope)
    board.kpis += _meeting_kpis(scope, rows, now)
    board.kpis += _engagement_kpis(scope, now)
    board.kpis += _goal_kpis(scope, sum(r.n for r in rows), board)
    board.kpis += _closing_kpis(scope)
    board.kpis += _retention_kpis(scope, now)
    board.kpis += _mix_kpis(rows, board)
    board.meetings_histogram = _meetings_histogram(rows)
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


def _signups(scope: Scope) -> list[Point]:
    rows = (
        Enrolment.objects.filter(program=scope.program)
        .filter(scope.filters.q())
        .annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(n=Count("id"))
        .order_by("week")
    )
    return [Point(f"{row['week']:%d %b}", row["n"]) for row in rows]


@dataclass
class Row:
    """Relationships that share a status, health, start and end day, meeting count and
    balance: the dashboard reads a few hundred such groups instead of one row per match."""

    status: str
    health: str
    started: date
    ended: date | None
    held: int
    reciprocity: str
    crosses_departments: bool
    met: bool
    n: int


def _relationship_rows(scope: Scope) -> list[Row]:
    return [
        Row(**values)
        for values in scope.relationships()
        .annotate(
            started=TruncDate(Coalesce("activated_at", "created_at")), ended=TruncDate("ended_at")
        )
        .order_by()
        .values(
            "status",
            "health",
            "started",
            "ended",
            "reciprocity",
            "crosses_departments",
            held=F("meetings_held"),
            met=ExpressionWrapper(
                Q(first_meeting_at__isnull=False, activated_at__isnull=False),
                output_field=BooleanField(),
            ),
        )
        .annotate(n=Count("id"))
    ]


def _matching_kpis(scope: Scope) -> list[Kpi]:
    totals = scope.enrolments().aggregate(
        enrolled=Count("id"),
        matched=Count("id", filter=Q(first_matched_at__isnull=False)),
        wait=Avg(
            ExpressionWrapper(
                F("first_matched_at") - F("created_at"), output_field=DurationField()
            ),
            filter=Q(first_matched_at__isnull=False),
        ),
    )
    answers = scope.restrict_people(
        Membership.objects.filter(relationship__program=scope.program, respond_by__isnull=False),
        "person_id",
    ).aggregate(
        responded=Count("id", filter=Q(accepted_at__isnull=False) | Q(declined_at__isnull=False)),
        accepted=Count("id", filter=Q(accepted_at__isnull=False)),
    )
    enrolled, matched = totals["enrolled"], totals["matched"]
    rate = _ratio(matched, enrolled)
    wait = _in_days(totals["wait"])
    acceptance = _ratio(answers["accepted"], answers["responded"])
    return [
        Kpi("enrolled", "People enrolled", enrolled, f"{enrolled}", n=enrolled),
        Kpi(
            "match_rate",
            "Match rate",
            rate,
            _pct(rate),
            f"{matched} of {enrolled} matched",
            enrolled,
        ),
        Kpi(
            "time_to_match",
            "Sign-up to match",
            wait,
            _days(wait),
            "average, matched people",
            matched,
        ),
        Kpi(
            "acceptance_rate",
            "Matches accepted",
            acceptance,
            _pct(acceptance),
            f"{answers['accepted']} of {answers['responded']} answers",
            answers["responded"],
        ),
    ]


def _median_wait_to_first_meeting(met: QuerySet[Relationship], count: int) -> float | None:
    """The median of activation → first held meeting, read as the middle row(s) of the sorted
    waits so no database-specific percentile function is needed."""
    if not count:
        return None
    waits = (
        met.annotate(
            wait=ExpressionWrapper(
                F("first_meeting_at") - F("activated_at"), output_field=DurationField()
            )
        )
        .order_by("wait")
        .values_list("wait", flat=True)
    )
    middle = list(waits[(count - 1) // 2 : count // 2 + 1])
    return statistics.mean(w.total_seconds() / 86400 for w in middle)


def _meeting_kpis(scope: Scope, rows: list[Row], now: datetime) -> list[Kpi]:
    program = scope.program
    ran = [r for r in rows if r.status in RAN]
    relationships = sum(r.n for r in ran)
    met = scope.relationships().filter(
        status__in=RAN, first_meeting_at__isnull=False, activated_at__isnull=False
    )
    met_count = sum(r.n for r in ran if r.met)
    first = _median_wait_to_first_meeting(met, met_count)
    cadence = CADENCE_DAYS.get(program.cadence, 14)
    today = timezone.localdate(now)
    kept_sum = kept_n = 0.0
    for r in ran:
        age = ((r.ended or today) - r.started).days
        if age >= cadence:
            kept_sum += r.n * min(1.0, r.held / max(1, age // cadence))
            kept_n += r.n
    per = sum(r.n * r.held for r in ran) / relationships if relationships else None
    kept = kept_sum / kept_n if kept_n else None
    return [
        Kpi(
            "time_to_first_meeting",
            "Match to first meeting",
            first,
            _days(first),
            f"median; {met_count} of {relationships} pairs have met",
            met_count,
        ),
        Kpi(
            "meetings_per_relationship",
            "Meetings held per match",
            per,
            "—" if per is None else f"{per:.1f}",
            f"{relationships} matches",
            relationships,
        ),
        Kpi(
            "cadence_adherence",
            "Meetings on cadence",
            kept,
            _pct(kept),
            f"held vs. expected ({program.get_cadence_display().lower()})",
            int(kept_n),
        ),
    ]


def _engagement_kpis(scope: Scope, now: datetime) -> list[Kpi]:
    """Mentor engagement: mentors (or, in peer programs, everyone matched) in active matches who
    met in the last 60 days, and the sessions they logged."""
    program = scope.program
    members = Membership.objects.filter(
        scope.relationship_q("relationship", status=RelationshipStatus.ACTIVE)
    )
    if program.kind == ProgramKind.MENTOR_MENTEE:
        members = members.filter(role=EnrolmentRole.MENTOR)
    members = scope.restrict_people(members, "person_id")
    counts = members.aggregate(
        total=Count("person_id", distinct=True),
        engaged=Count(
            "person_id",
            distinct=True,
            filter=Q(relationship__last_meeting_at__gte=now - timedelta(days=60)),
        ),
        logged=Sum("logs_written"),
    )
    logged = counts["logged"] or 0
    share = _ratio(counts["engaged"], counts["total"])
    label = "Active mentors" if program.kind == ProgramKind.MENTOR_MENTEE else "Active participants"
    return [
        Kpi(
            "mentor_engagement",
            label,
            share,
            _pct(share),
            f"met in the last 60 days; {logged} sessions logged",
            counts["total"],
        )
    ]


def _goal_kpis(scope: Scope, relationships: int, board: Dashboard) -> list[Kpi]:
    goals = scope.restrict_people(
        Goal.objects.filter(scope.relationship_q("relationship")), "owner_id"
    )
    totals = goals.aggregate(
        done=Count("id", filter=Q(status=GoalStatus.DONE)),
        dropped=Count("id", filter=Q(status=GoalStatus.DROPPED)),
        active=Count("id", filter=Q(status=GoalStatus.ACTIVE)),
        matches=Count("relationship_id", distinct=True),
    )
    done, dropped, active = totals["done"], totals["dropped"], totals["active"]
    total = done + dropped + active
    rate = _ratio(done, total)
    board.goals = [Point("In progress", active), Point("Done", done), Point("Dropped", dropped)]
    with_goals = _ratio(totals["matches"], relationships)
    return [
        Kpi(
            "goal_completion",
            "Goals completed",
            rate,
            _pct(rate),
            f"{done} of {total} goals",
            total,
        ),
        Kpi(
            "goals_set",
            "Matches with goals",
            with_goals,
            _pct(with_goals),
            f"{totals['matches']} of {relationships}",
            relationships,
        ),
    ]


def _closing_kpis(scope: Scope) -> list[Kpi]:
    totals = scope.restrict_people(
        ClosingSummary.objects.filter(scope.relationship_q("membership__relationship")),
        "membership__person_id",
    ).aggregate(
        n=Count("id"),
        recommend=Count("id", filter=Q(would_recommend_partner=True)),
        again=Count("id", filter=Q(would_do_again=True)),
    )
    n = totals["n"]
    if n < K_MIN:
        return [
            Kpi(
                "would_do_again",
                "Would do it again",
                None,
                "—",
                f"shown from {K_MIN} closing summaries ({n} so far)",
                n,
            )
        ]
    return [
        Kpi(
            "would_do_again",
            "Would do it again",
            totals["again"] / n,
            _pct(totals["again"] / n),
            f"{n} closing summaries",
            n,
        ),
        Kpi(
            "would_recommend_partner",
            "Would recommend their partner",
            totals["recommend"] / n,
            _pct(totals["recommend"] / n),
            f"{n} closing summaries",
            n,
        ),
    ]


@dataclass
class Cohort:
    """Participants who enrolled at least ``horizon`` days ago, by department and level."""

    horizon: int
    strata: dict[tuple[int | None, int | None], int]
    n: int
    kept: int
    reference: date | None = None


def _retention_kpis(scope: Scope, now: datetime) -> list[Kpi]:
    cohorts = []
    for horizon in HORIZONS:
        period = timedelta(days=horizon)
        enrolments = scope.enrolments().filter(created_at__lte=now - period)
        rows = list(
            enrolments.order_by()
            .values_list("person__department_id", "person__level")
            .annotate(
                n=Count("id"),
                kept=Count(
                    "id",
                    filter=Q(person__left_on__isnull=True)
                    | Q(person__left_on__gt=F("created_at") + period),
                ),
            )
        )
        cohort = Cohort(
            horizon,
            {(d, lvl): n for d, lvl, n, _ in rows},
            sum(row[2] for row in rows),
            sum(row[3] for row in rows),
        )
        if cohort.n >= K_MIN:
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
        results.append(Kpi(f"retention_{horizon}", label, rate, _pct(rate), detail, cohort.n))
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


def _mix_kpis(rows: list[Row], board: Dashboard) -> list[Kpi]:
    ran = [r for r in rows if r.status in RAN]
    relationships = sum(r.n for r in ran)
    crossing = sum(r.n for r in ran if r.crosses_departments)
    share = _ratio(crossing, relationships)
    buckets: Counter[str] = Counter()
    for row in ran:
        if row.reciprocity:
            buckets[row.reciprocity] += row.n
    board.reciprocity = [
        Point(choice.label, buckets.get(choice.value, 0)) for choice in Reciprocity
    ]
    balanced = _ratio(buckets.get(Reciprocity.BALANCED, 0), sum(buckets.values()))
    return [
        Kpi(
            "cross_department",
            "Matches across departments",
            share,
            _pct(share),
            f"{crossing} of {relationships}",
            relationships,
        ),
        Kpi(
            "reciprocity",
            "Balanced matches (both hats)",
            balanced,
            _pct(balanced),
            f"of {sum(buckets.values())} matches with logged topics",
            sum(buckets.values()),
        ),
    ]


def _meetings_histogram(rows: list[Row]) -> list[Point]:
    counts: Counter[int] = Counter()
    for row in rows:
        if row.status in RAN:
            counts[min(row.held, 8)] += row.n
    return [Point("8+" if n == 8 else str(n), counts.get(n, 0)) for n in range(0, 9)]


# --- across programs ---------------------------------------------------------------------------


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
        return _ratio(self.matched, self.enrolled)


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

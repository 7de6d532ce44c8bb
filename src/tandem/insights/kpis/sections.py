"""The program dashboard's sections: sign-ups, matching, meetings, engagement, goals, closing."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import (
    Avg,
    BooleanField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce, TruncDate, TruncWeek
from django.utils import timezone

from tandem.insights.kpis.records import (
    K_MIN,
    PUBLISHED,
    RAN,
    Dashboard,
    Kpi,
    as_days,
    as_percent,
    as_ratio,
    days_between,
)
from tandem.insights.kpis.scope import Scope
from tandem.programs.models import EnrolmentRole, ProgramKind
from tandem.relationships.health import CADENCE_DAYS
from tandem.relationships.models import (
    ClosingSummary,
    Goal,
    GoalStatus,
    Membership,
    Relationship,
    RelationshipStatus,
)
from tandem.ui.charts import Point


def signup_kpis(scope: Scope) -> list[Point]:
    # The same population as every other figure (active enrolments), so the release plan's
    # equations cover each week's count too.
    rows = (
        scope.enrolments()
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


def relationship_rows(scope: Scope) -> list[Row]:
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


def matching_kpis(scope: Scope) -> list[Kpi]:
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
    rate = as_ratio(matched, enrolled)
    wait = days_between(totals["wait"])
    acceptance = as_ratio(answers["accepted"], answers["responded"])
    return [
        Kpi("enrolled", "People enrolled", enrolled, f"{enrolled}", n=enrolled),
        Kpi(
            "match_rate",
            "Match rate",
            rate,
            as_percent(rate),
            f"{matched} of {enrolled} matched",
            enrolled,
        ),
        Kpi(
            "time_to_match",
            "Sign-up to match",
            wait,
            as_days(wait),
            "average, matched people",
            matched,
        ),
        Kpi(
            "acceptance_rate",
            "Matches accepted",
            acceptance,
            as_percent(acceptance),
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


def meeting_kpis(scope: Scope, rows: list[Row], now: datetime) -> list[Kpi]:
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
            as_days(first),
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
            as_percent(kept),
            f"held vs. expected ({program.get_cadence_display().lower()})",
            int(kept_n),
        ),
    ]


def engagement_kpis(scope: Scope, now: datetime) -> list[Kpi]:
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
    share = as_ratio(counts["engaged"], counts["total"])
    label = "Active mentors" if program.kind == ProgramKind.MENTOR_MENTEE else "Active participants"
    return [
        Kpi(
            "mentor_engagement",
            label,
            share,
            as_percent(share),
            f"met in the last 60 days; {logged} sessions logged",
            counts["total"],
        )
    ]


def goal_kpis(scope: Scope, relationships: int, board: Dashboard) -> list[Kpi]:
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
    rate = as_ratio(done, total)
    board.goals = [Point("In progress", active), Point("Done", done), Point("Dropped", dropped)]
    with_goals = as_ratio(totals["matches"], relationships)
    return [
        Kpi(
            "goal_completion",
            "Goals completed",
            rate,
            as_percent(rate),
            f"{done} of {total} goals",
            total,
        ),
        Kpi(
            "goals_set",
            "Matches with goals",
            with_goals,
            as_percent(with_goals),
            f"{totals['matches']} of {relationships}",
            relationships,
        ),
    ]


def closing_kpis(scope: Scope) -> list[Kpi]:
    """ "Would do it again" and "would recommend their partner", from the closing summaries.

    Those answers are private to the pair, so the figures move only in released steps: they are
    computed over the program's first ``K_MIN × ⌊n / K_MIN⌋`` summaries (in the order they were
    written), so two dashboards on different days differ by at least ``K_MIN`` new summaries or
    not at all. A filtered view would move by fewer (one new summary in a department), so the
    figures are for the whole program only.
    """
    summaries = ClosingSummary.objects.filter(
        membership__relationship__program=scope.program,
        membership__relationship__status__in=PUBLISHED,
    )
    n = summaries.count()
    released = (n // K_MIN) * K_MIN
    if scope.filters.active or released == 0:
        detail = (
            "for the whole program only"
            if scope.filters.active
            else f"shown from {K_MIN} closing summaries"
        )
        return [Kpi("would_do_again", "Would do it again", None, "—", detail, released)]
    first = summaries.order_by("created_at", "pk").values("pk")[:released]
    totals = ClosingSummary.objects.filter(
        pk__in=list(first.values_list("pk", flat=True))
    ).aggregate(
        recommend=Count("id", filter=Q(would_recommend_partner=True)),
        again=Count("id", filter=Q(would_do_again=True)),
    )
    detail = f"{released} closing summaries; updated every {K_MIN}"
    return [
        Kpi(
            "would_do_again",
            "Would do it again",
            totals["again"] / released,
            as_percent(totals["again"] / released),
            detail,
            released,
        ),
        Kpi(
            "would_recommend_partner",
            "Would recommend their partner",
            totals["recommend"] / released,
            as_percent(totals["recommend"] / released),
            detail,
            released,
        ),
    ]

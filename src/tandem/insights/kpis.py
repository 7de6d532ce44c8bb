"""The program KPIs a manager watches, computed with a handful of aggregate queries.

Each KPI is defined in one place (its docstring) and computed from the database in bulk: one
query per table, then arithmetic in Python on at most one row per relationship. Filters
(department, career level) narrow the *participants*; relationship KPIs then cover matches with
at least one member in that group. A filtered view is refused when it (or the rest of the
program) would describe fewer than ``K_MIN`` people, so no one can subtract it from the full
dashboard to learn about a small group.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Max, Min, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from tandem.people.models import Person
from tandem.programs.models import Enrolment, EnrolmentRole, EnrolmentStatus, Program, ProgramKind
from tandem.relationships.health import CADENCE_DAYS
from tandem.relationships.models import (
    ClosingSummary,
    Goal,
    GoalStatus,
    LoggedTopic,
    Meeting,
    MeetingLog,
    MeetingStatus,
    Membership,
    Relationship,
    RelationshipStatus,
)
from tandem.web.charts import Point

K_MIN = 5
HORIZONS = (183, 365)
PUBLISHED = (
    RelationshipStatus.PROPOSED,
    RelationshipStatus.ACTIVE,
    RelationshipStatus.ENDED,
    RelationshipStatus.DECLINED,
)
RAN = (RelationshipStatus.ACTIVE, RelationshipStatus.ENDED)


@dataclass(frozen=True)
class Filters:
    department_id: int | None = None
    level: int | None = None

    @property
    def active(self) -> bool:
        return self.department_id is not None or self.level is not None

    def matches(self, department_id: int | None, level: int | None) -> bool:
        return (self.department_id is None or department_id == self.department_id) and (
            self.level is None or level == self.level
        )


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


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


# --- population --------------------------------------------------------------------------------


@dataclass
class Participant:
    person_id: int
    department_id: int | None
    level: int | None
    enrolled_on: date
    role: str
    left_on: date | None


def participants(program: Program) -> list[Participant]:
    """Everyone enrolled (not withdrawn) — the denominator of the participant KPIs."""
    rows = Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE)
    return [
        Participant(pid, dept, level, created.date(), role, left)
        for pid, dept, level, created, role, left in rows.values_list(
            "person_id",
            "person__department_id",
            "person__level",
            "created_at",
            "role",
            "person__left_on",
        )
    ]


def refusal(everyone: list[Participant], chosen: list[Participant]) -> str:
    """Why a filtered view may not be shown ("" when it may)."""
    rest = len(everyone) - len(chosen)
    if 0 < len(chosen) < K_MIN:
        return f"Fewer than {K_MIN} participants match these filters, so their results are hidden."
    if 0 < rest < K_MIN:
        return (
            f"These filters leave out fewer than {K_MIN} participants, who could be worked out "
            "by comparing with the whole program; choose a wider group."
        )
    return ""


# --- the dashboard -----------------------------------------------------------------------------


def dashboard(
    program: Program, filters: Filters | None = None, *, now: datetime | None = None
) -> Dashboard:
    filters = filters or Filters()
    now = now or timezone.now()
    everyone = participants(program)
    chosen = [p for p in everyone if filters.matches(p.department_id, p.level)]
    board = Dashboard(program=program, filters=filters)
    if filters.active:
        board.refused = refusal(everyone, chosen)
        if board.refused:
            return board
    people = {p.person_id for p in chosen}
    relationships = _relationship_stats(program, people if filters.active else None)
    board.signups = _signups(program, people if filters.active else None)
    board.kpis += _matching_kpis(program, chosen, people, relationships)
    board.kpis += _meeting_kpis(program, relationships, now)
    board.kpis += _engagement_kpis(program, relationships, people, now)
    board.kpis += _goal_kpis(relationships, people if filters.active else None, board)
    board.kpis += _closing_kpis(relationships)
    board.kpis += _retention_kpis(chosen, now.date())
    board.kpis += _mix_kpis(relationships, board)
    board.meetings_histogram = _meetings_histogram(relationships)
    board.health = [
        Point(label, count)
        for label, count in (
            (
                "On track",
                sum(1 for r in relationships.values() if r.live and r.health == "on_track"),
            ),
            (
                "Needs attention",
                sum(1 for r in relationships.values() if r.live and r.health == "attention"),
            ),
            ("At risk", sum(1 for r in relationships.values() if r.live and r.health == "at_risk")),
        )
    ]
    return board


def _signups(program: Program, people: set[int] | None) -> list[Point]:
    enrolments = Enrolment.objects.filter(program=program)
    if people is not None:
        enrolments = enrolments.filter(person_id__in=people)
    rows = (
        enrolments.annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(n=Count("id"))
        .order_by("week")
    )
    return [Point(f"{row['week']:%d %b}", row["n"]) for row in rows]


@dataclass
class RelationshipStats:
    pk: int
    status: str
    health: str
    created_at: datetime
    activated_at: datetime | None
    ended_at: datetime | None
    members: list[int] = field(default_factory=list)
    departments: set[int | None] = field(default_factory=set)
    held: int = 0
    missed: int = 0
    first_held: datetime | None = None
    last_held: datetime | None = None
    topics: Counter[int] = field(default_factory=Counter)

    @property
    def live(self) -> bool:
        return self.status in (RelationshipStatus.PROPOSED, RelationshipStatus.ACTIVE)


def _relationship_stats(program: Program, people: set[int] | None) -> dict[int, RelationshipStats]:
    """One row per relationship with the counts the KPIs need: four queries whatever the size."""
    rows = Relationship.objects.filter(program=program, status__in=PUBLISHED).values_list(
        "pk", "status", "health", "created_at", "activated_at", "ended_at"
    )
    stats = {
        pk: RelationshipStats(pk, status, health, created, activated, ended)
        for pk, status, health, created, activated, ended in rows
    }
    for rel_id, person_id, department in Membership.objects.filter(
        relationship__program=program
    ).values_list("relationship_id", "person_id", "person__department_id"):
        if rel_id in stats:
            stats[rel_id].members.append(person_id)
            stats[rel_id].departments.add(department)
    if people is not None:
        stats = {pk: s for pk, s in stats.items() if people & set(s.members)}
    meeting_rows = (
        Meeting.objects.filter(relationship__program=program)
        .values("relationship_id")
        .annotate(
            held=Count("id", filter=Q(status=MeetingStatus.HELD)),
            missed=Count("id", filter=Q(status=MeetingStatus.MISSED)),
            first=Min("starts_at", filter=Q(status=MeetingStatus.HELD)),
            last=Max("starts_at", filter=Q(status=MeetingStatus.HELD)),
        )
    )
    for row in meeting_rows:
        s = stats.get(row["relationship_id"])
        if s is not None:
            s.held, s.missed, s.first_held, s.last_held = (
                row["held"],
                row["missed"],
                row["first"],
                row["last"],
            )
    for rel_id, person_id, n in (
        LoggedTopic.objects.filter(log__meeting__relationship__program=program)
        .values_list("log__meeting__relationship_id", "brought_by_id")
        .annotate(n=Count("id"))
    ):
        if rel_id in stats:
            stats[rel_id].topics[person_id] += n
    return stats


def _matching_kpis(
    program: Program,
    chosen: list[Participant],
    people: set[int],
    relationships: dict[int, RelationshipStats],
) -> list[Kpi]:
    first_match: dict[int, datetime] = {}
    for s in relationships.values():
        for person in s.members:
            if person in people and (
                person not in first_match or s.created_at < first_match[person]
            ):
                first_match[person] = s.created_at
    matched = [p for p in chosen if p.person_id in first_match]
    waits = [(first_match[p.person_id].date() - p.enrolled_on).days for p in matched]
    memberships = Membership.objects.filter(
        relationship__program=program, respond_by__isnull=False, person_id__in=people
    )
    responded = memberships.filter(
        Q(accepted_at__isnull=False) | Q(declined_at__isnull=False)
    ).count()
    accepted = memberships.filter(accepted_at__isnull=False).count()
    rate = _ratio(len(matched), len(chosen))
    wait = statistics.mean(waits) if waits else None
    acceptance = _ratio(accepted, responded)
    return [
        Kpi("enrolled", "People enrolled", len(chosen), f"{len(chosen)}", n=len(chosen)),
        Kpi(
            "match_rate",
            "Match rate",
            rate,
            _pct(rate),
            f"{len(matched)} of {len(chosen)} matched",
            len(chosen),
        ),
        Kpi(
            "time_to_match",
            "Sign-up to match",
            wait,
            _days(wait),
            "average, matched people",
            len(waits),
        ),
        Kpi(
            "acceptance_rate",
            "Matches accepted",
            acceptance,
            _pct(acceptance),
            f"{accepted} of {responded} answers",
            responded,
        ),
    ]


def _meeting_kpis(
    program: Program, relationships: dict[int, RelationshipStats], now: datetime
) -> list[Kpi]:
    ran = [s for s in relationships.values() if s.status in RAN]
    started = [s for s in ran if s.first_held and s.activated_at]
    to_first = [(s.first_held - s.activated_at).total_seconds() / 86400 for s in started]  # type: ignore[operator]
    cadence = CADENCE_DAYS.get(program.cadence, 14)
    adherence = []
    for s in ran:
        start = s.activated_at or s.created_at
        age = ((s.ended_at or now) - start).days
        expected = max(1, age // cadence)
        if age >= cadence:
            adherence.append(min(1.0, s.held / expected))
    per = statistics.mean(s.held for s in ran) if ran else None
    first = statistics.median(to_first) if to_first else None
    kept = statistics.mean(adherence) if adherence else None
    return [
        Kpi(
            "time_to_first_meeting",
            "Match to first meeting",
            first,
            _days(first),
            f"median; {len(started)} of {len(ran)} pairs have met",
            len(started),
        ),
        Kpi(
            "meetings_per_relationship",
            "Meetings held per match",
            per,
            "—" if per is None else f"{per:.1f}",
            f"{len(ran)} matches",
            len(ran),
        ),
        Kpi(
            "cadence_adherence",
            "Meetings on cadence",
            kept,
            _pct(kept),
            f"held vs. expected ({program.get_cadence_display().lower()})",
            len(adherence),
        ),
    ]


def _engagement_kpis(
    program: Program, relationships: dict[int, RelationshipStats], people: set[int], now: datetime
) -> list[Kpi]:
    """Mentor engagement: mentors (or, in peer programs, everyone matched) who held a meeting in
    the last 60 days, and the sessions they logged."""
    live = [s for s in relationships.values() if s.status == RelationshipStatus.ACTIVE]
    if program.kind == ProgramKind.MENTOR_MENTEE:
        mentors = set(
            Membership.objects.filter(
                relationship_id__in=[s.pk for s in live], role=EnrolmentRole.MENTOR
            ).values_list("person_id", flat=True)
        )
    else:
        mentors = {p for s in live for p in s.members}
    mentors &= people
    recent_cut = now - timedelta(days=60)
    engaged = {
        p for s in live if s.last_held and s.last_held >= recent_cut for p in s.members
    } & mentors
    logged = MeetingLog.objects.filter(
        meeting__relationship_id__in=[s.pk for s in live], author_id__in=mentors
    ).count()
    share = _ratio(len(engaged), len(mentors))
    label = "Active mentors" if program.kind == ProgramKind.MENTOR_MENTEE else "Active participants"
    return [
        Kpi(
            "mentor_engagement",
            label,
            share,
            _pct(share),
            f"met in the last 60 days; {logged} sessions logged",
            len(mentors),
        ),
    ]


def _goal_kpis(
    relationships: dict[int, RelationshipStats], people: set[int] | None, board: Dashboard
) -> list[Kpi]:
    goals = Goal.objects.filter(relationship_id__in=list(relationships))
    if people is not None:
        goals = goals.filter(owner_id__in=people)
    counts = dict(goals.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    done, dropped, active = (
        counts.get(s, 0) for s in (GoalStatus.DONE, GoalStatus.DROPPED, GoalStatus.ACTIVE)
    )
    total = done + dropped + active
    rate = _ratio(done, total)
    board.goals = [Point("In progress", active), Point("Done", done), Point("Dropped", dropped)]
    with_goals = len(set(goals.values_list("relationship_id", flat=True)))
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
            _ratio(with_goals, len(relationships)),
            _pct(_ratio(with_goals, len(relationships))),
            f"{with_goals} of {len(relationships)}",
            len(relationships),
        ),
    ]


def _closing_kpis(relationships: dict[int, RelationshipStats]) -> list[Kpi]:
    summaries = ClosingSummary.objects.filter(membership__relationship_id__in=list(relationships))
    n = summaries.count()
    recommend = summaries.filter(would_recommend_partner=True).count()
    again = summaries.filter(would_do_again=True).count()
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
            again / n,
            _pct(again / n),
            f"{n} closing summaries",
            n,
        ),
        Kpi(
            "would_recommend_partner",
            "Would recommend their partner",
            recommend / n,
            _pct(recommend / n),
            f"{n} closing summaries",
            n,
        ),
    ]


def _retention_kpis(chosen: list[Participant], today: date) -> list[Kpi]:
    results = []
    for horizon in HORIZONS:
        cohort = [p for p in chosen if p.enrolled_on <= today - timedelta(days=horizon)]
        label = f"Retention after {horizon // 30} months"
        if len(cohort) < K_MIN:
            results.append(
                Kpi(
                    f"retention_{horizon}",
                    label,
                    None,
                    "—",
                    f"needs {K_MIN} people enrolled {horizon // 30}+ months ago",
                    len(cohort),
                )
            )
            continue
        kept = sum(
            1
            for p in cohort
            if p.left_on is None or p.left_on > p.enrolled_on + timedelta(days=horizon)
        )
        rate = kept / len(cohort)
        baseline = comparable_retention(cohort, horizon)
        detail = (
            f"vs. {baseline * 100:.0f}% of comparable colleagues who did not take part"
            if baseline is not None
            else "no comparable group"
        )
        results.append(Kpi(f"retention_{horizon}", label, rate, _pct(rate), detail, len(cohort)))
    return results


def comparable_retention(cohort: Iterable[Participant], horizon: int) -> float | None:
    """Retention of people who never enrolled in any program, weighted to the cohort's mix of
    departments and levels, over the same period from the cohort's median sign-up date."""
    cohort = list(cohort)
    reference = sorted(p.enrolled_on for p in cohort)[len(cohort) // 2]
    strata = Counter((p.department_id, p.level) for p in cohort)
    rows = (
        Person.objects.filter(enrolments__isnull=True)
        .filter(Q(hire_date__isnull=True) | Q(hire_date__lte=reference))
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=reference))
        .values_list("department_id", "level", "left_on")
    )
    by_stratum: dict[tuple[int | None, int | None], list[bool]] = defaultdict(list)
    end = reference + timedelta(days=horizon)
    for department, level, left in rows:
        by_stratum[(department, level)].append(left is None or left > end)
    weighted = total = 0.0
    for stratum, weight in strata.items():
        outcomes = by_stratum.get(stratum)
        if outcomes:
            weighted += weight * (sum(outcomes) / len(outcomes))
            total += weight
    return weighted / total if total else None


def _mix_kpis(relationships: dict[int, RelationshipStats], board: Dashboard) -> list[Kpi]:
    ran = [s for s in relationships.values() if s.status in RAN]
    crossing = sum(1 for s in ran if len(s.departments) > 1)
    share = _ratio(crossing, len(ran))
    buckets: Counter[str] = Counter()
    for s in ran:
        total = sum(s.topics.values())
        if not total or len(s.members) < 2:
            continue
        smallest = min(s.topics.get(p, 0) for p in s.members) / total
        fair = 1 / len(s.members)
        buckets[
            "Balanced"
            if smallest >= 0.6 * fair
            else "Leaning"
            if smallest >= 0.3 * fair
            else "One-sided"
        ] += 1
    board.reciprocity = [
        Point(name, buckets.get(name, 0)) for name in ("Balanced", "Leaning", "One-sided")
    ]
    balanced = _ratio(buckets.get("Balanced", 0), sum(buckets.values()))
    return [
        Kpi(
            "cross_department",
            "Matches across departments",
            share,
            _pct(share),
            f"{crossing} of {len(ran)}",
            len(ran),
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


def _meetings_histogram(relationships: dict[int, RelationshipStats]) -> list[Point]:
    counts = Counter(min(s.held, 8) for s in relationships.values() if s.status in RAN)
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


def organisation(programs: Iterable[Program]) -> list[ProgramRow]:
    """Headline numbers per program, for the admin's organisation view (five queries)."""
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
    live = dict(
        Relationship.objects.filter(program_id__in=ids, status__in=[RelationshipStatus.ACTIVE])
        .values_list("program_id")
        .annotate(n=Count("id"))
        .values_list("program_id", "n")
    )
    held = dict(
        Meeting.objects.filter(relationship__program_id__in=ids, status=MeetingStatus.HELD)
        .values_list("relationship__program_id")
        .annotate(n=Count("id"))
        .values_list("relationship__program_id", "n")
    )
    risk = dict(
        Relationship.objects.filter(
            program_id__in=ids, status=RelationshipStatus.ACTIVE, health="at_risk"
        )
        .values_list("program_id")
        .annotate(n=Count("id"))
        .values_list("program_id", "n")
    )
    return [
        ProgramRow(
            p,
            enrolled.get(p.pk, 0),
            matched.get(p.pk, 0),
            live.get(p.pk, 0),
            held.get(p.pk, 0),
            risk.get(p.pk, 0),
        )
        for p in programs
    ]

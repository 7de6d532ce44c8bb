"""Reads for matching: the review screen, what-if comparison, fairness, a participant's match."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from tandem.accounts.models import User
from tandem.core.errors import NotFound
from tandem.learning.selectors import ready_for_matching, waiting_list, waiting_on
from tandem.matches import engine_input
from tandem.matches.models import (
    CriteriaVersion,
    MatchRun,
    PairRule,
    Proposal,
    ProposalMember,
    RunPurpose,
    RunStatus,
    UnmatchedPerson,
)
from tandem.people.models import Person
from tandem.privacy import Aggregate, AggregateTable, plan_release, suppress
from tandem.programs.models import (
    Enrolment,
    EnrolmentStatus,
    PrivateAnswer,
    Program,
    ProgramKind,
    ProgramStatus,
    QuestionKind,
)
from tandem.programs.selectors import can_coordinate, coordinates
from tandem.relationships.models import LIVE_STATUSES, Membership, Relationship, RepairRequest
from tandem.ui.charts import Point

K_BACKGROUND = 5
WITHDRAWN = "withdrawn"  # the background table after someone took back their answer


def access_run(*, user: User, run_id: int) -> MatchRun:
    run = MatchRun.objects.select_related("program", "criteria").filter(pk=run_id).first()
    if run is None or not can_coordinate(user, run.program):
        raise NotFound()
    return run


def runs(program: Program) -> QuerySet[MatchRun]:
    return program.runs.select_related("criteria", "created_by").order_by("-created_at")


def finished_runs(program: Program) -> QuerySet[MatchRun]:
    """Runs with results to look at or compare: done, or done and published."""
    return program.runs.filter(status__in=[RunStatus.DONE, RunStatus.PUBLISHED]).select_related(
        "criteria"
    )


def finished_run(program: Program, run_id: int) -> MatchRun | None:
    return finished_runs(program).filter(pk=run_id).first()


# --- criteria ----------------------------------------------------------------------------------


def latest_criteria(program: Program) -> CriteriaVersion:
    """The latest saved criteria version; before the first save or run, the defaults for the
    program's kind as an *unsaved* version 1 (a page that only shows them writes nothing;
    ``services.criteria.current_criteria`` keeps them when a write needs a saved version)."""
    version = program.criteria_versions.order_by("-number").first()
    if version is not None:
        return version
    return CriteriaVersion(
        program=program,
        number=1,
        config=engine_input.default_config(program),
        note="Defaults for this kind of program",
    )


def criteria_versions(program: Program) -> QuerySet[CriteriaVersion]:
    return program.criteria_versions.select_related("created_by").order_by("-number")


# --- review ------------------------------------------------------------------------------------


def pair_rules(program: Program) -> QuerySet[PairRule]:
    return PairRule.objects.filter(program=program).select_related("first__user", "second__user")


def pair(first_id: int, second_id: int) -> tuple[Person, Person]:
    """The two people a coordinator picked on the review screen (the services check that both
    are enrolled); an id that does not exist is a 404."""
    people = Person.objects.select_related("user").in_bulk([first_id, second_id])
    if first_id not in people or second_id not in people:
        raise NotFound()
    return people[first_id], people[second_id]


def proposal_departments(run: MatchRun) -> list[str]:
    """The departments of everyone in the run's proposals (the review screen's filter)."""
    return sorted(
        {
            m.person.department.name
            for p in proposals(run)
            for m in p.members.all()
            if m.person.department
        }
    )


def proposals(run: MatchRun, *, sort: str = "score", department: str = "") -> list[Proposal]:
    members = ProposalMember.objects.select_related("person__user", "person__department")
    items = list(
        run.proposals.select_related("joins").prefetch_related(
            Prefetch("members", queryset=members), "joins__members__person__user"
        )
    )
    if department:
        items = [
            p
            for p in items
            if any(
                m.person.department and m.person.department.name == department
                for m in p.members.all()
            )
        ]
    key = {
        "score": lambda p: (p.score, p.pk),
        "-score": lambda p: (-p.score, p.pk),
        "worst": lambda p: (p.min_pair_score, p.pk),
    }.get(sort, lambda p: (p.score, p.pk))
    return sorted(items, key=key)


def unmatched(run: MatchRun) -> QuerySet[UnmatchedPerson]:
    return run.unmatched.select_related("person__user", "person__department")


@dataclass
class RunMetrics:
    participants: int
    matched: int
    groups: int
    mean_score: float
    worst_score: float
    capacity_use: float
    cross_department: float
    unmatched: int
    stats: dict[str, Any] = field(default_factory=dict)
    edited: bool = False

    @property
    def proven_optimal(self) -> bool:
        """The solver's certificate holds only for the result it returned, not after a swap."""
        return bool(self.stats.get("certified_optimal")) and not self.edited

    @property
    def match_rate(self) -> float:
        return self.matched / self.participants if self.participants else 0.0


def metrics(run: MatchRun) -> RunMetrics:
    items = proposals(run)
    people = {m.person_id for p in items for m in p.members.all()}
    scores = [p.score for p in items]
    crossing = sum(1 for p in items if len({m.person.department_id for m in p.members.all()}) > 1)
    capacity = dict(
        Enrolment.objects.filter(program=run.program, status=EnrolmentStatus.ACTIVE).values_list(
            "person_id", "capacity"
        )
    )
    slots = sum(capacity.values()) or 1
    used = sum(len(p.members.all()) - 1 for p in items) if items else 0
    return RunMetrics(
        participants=run.participants,
        matched=len(people),
        groups=len(items),
        mean_score=sum(scores) / len(scores) if scores else 0.0,
        worst_score=min((p.min_pair_score for p in items), default=0.0),
        capacity_use=min(1.0, (used + len(items)) / slots) if items else 0.0,
        cross_department=crossing / len(items) if items else 0.0,
        unmatched=run.unmatched.count(),
        stats=run.stats,
        edited=any(p.edited for p in items),
    )


def histogram(run: MatchRun, bins: int = 10) -> list[Point]:
    counts = [0] * bins
    for score in run.proposals.values_list("score", flat=True):
        counts[min(bins - 1, int(score * bins))] += 1
    return [
        Point(f"{i / bins:.1f}", c, f"scores {i / bins:.1f}–{(i + 1) / bins:.1f}")
        for i, c in enumerate(counts)
    ]


@dataclass
class FairnessRow:
    """One group of a fairness table; ``people`` is None when the group is withheld."""

    group: str
    people: int | None
    matched: int | None
    mean_score: float | None

    @property
    def rate(self) -> float | None:
        if self.people is None or self.matched is None:
            return None
        return self.matched / self.people if self.people else 0.0


FAIRNESS_DIMENSIONS = ("department", "level")


def fairness(run: MatchRun) -> dict[str, list[FairnessRow] | Any]:
    """Match rates by department, level and (first run only) self-described background.

    Department and level rows come from one release plan over both dimensions
    (``tandem.privacy.plan_release``): a group of fewer than ``K_BACKGROUND`` people, or one
    the shown rows would let a reader work out, is withheld. Matched counts and score sums add
    up over the same people, so the same pattern protects them.
    """
    enrolled = list(
        Enrolment.objects.filter(program=run.program, status=EnrolmentStatus.ACTIVE).select_related(
            "person__department"
        )
    )
    score_of: dict[int, float] = {}
    for proposal in run.proposals.prefetch_related("members"):
        for member in proposal.members.all():
            score_of[member.person_id] = proposal.score
    keys = {
        e.person_id: (
            e.person.department.name if e.person.department else "—",
            f"Level {e.person.level}" if e.person.level else "—",
        )
        for e in enrolled
    }
    plan = plan_release(keys.values(), FAIRNESS_DIMENSIONS, K_BACKGROUND)
    tables: dict[str, list[FairnessRow] | Any] = {}
    for position, title in enumerate(("Department", "Career level")):
        groups: dict[str, list[int]] = defaultdict(list)
        for person_id, key in keys.items():
            groups[key[position]].append(person_id)
        tables[title] = [
            _row(name, ids, score_of, plan.refusal({FAIRNESS_DIMENSIONS[position]: name}) is None)
            for name, ids in sorted(groups.items())
        ]
    first = is_first_run(run)
    if (run.stats or {}).get("background_withdrawn"):
        background: Any = WITHDRAWN
    else:
        background = _background(run, enrolled, score_of) if first else None
    tables["Background (self-described, groups of 5 or more)"] = background
    return tables


def is_first_run(run: MatchRun) -> bool:
    """Background groups are shown for a program's first finished run only: comparing two runs
    around one person's withdrawal would tell that person's answer."""
    earlier = MatchRun.objects.filter(
        program=run.program,
        status__in=(RunStatus.DONE, RunStatus.PUBLISHED, RunStatus.DISCARDED),
        pk__lt=run.pk,
    )
    return not earlier.exists()


def _row(name: str, ids: list[int], score_of: dict[int, float], shown: bool) -> FairnessRow:
    if not shown:
        return FairnessRow(name, None, None, None)
    scores = [score_of[i] for i in ids if i in score_of]
    return FairnessRow(name, len(ids), len(scores), sum(scores) / len(scores) if scores else None)


def _background(run: MatchRun, enrolled: list[Enrolment], score_of: dict[int, float]) -> Any:
    """Opt-in attributes only as suppressed aggregates: no group under 5, none derivable."""
    answers = PrivateAnswer.objects.filter(
        enrolment__in=enrolled,
        question__kind=QuestionKind.BACKGROUND,
        consented_at__isnull=False,
        consented_at__lte=run.created_at,  # answers given later would change the groups
    ).values_list("enrolment__person_id", "value")
    records = [
        {"attribute": attribute, "matched": 1.0 if person_id in score_of else 0.0}
        for person_id, values in answers
        for attribute in values or []
    ]
    if not records:
        return []
    table = AggregateTable.from_records(records, ["attribute"], value=lambda r: r["matched"])
    published = suppress(table, k=K_BACKGROUND)
    rows: list[tuple[Any, int | None, float | None]] = []
    for key, entry in published.cells().items():
        label = key[0]
        if isinstance(entry, Aggregate):
            rows.append((label, entry.n, entry.mean))
        else:
            rows.append((label, None, None))
    return rows


def memberships_of(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(person__user=user)
        .select_related("relationship__program")
        .order_by("-relationship__created_at")
    )


def access_membership(*, user: User, membership_id: int) -> Membership:
    membership = (
        Membership.objects.select_related("relationship__program", "person__user")
        .filter(pk=membership_id, person__user=user)
        .first()
    )
    if membership is None:
        raise NotFound()
    return membership


def partners(membership: Membership) -> list[Membership]:
    return list(
        membership.relationship.members.exclude(pk=membership.pk)
        .select_related("person__user", "person__department")
        .prefetch_related("person__skills", "person__learning")
    )


def program_relationships(program: Program) -> QuerySet[Relationship]:
    return program.relationships.prefetch_related(
        Prefetch("members", queryset=Membership.objects.select_related("person__user"))
    ).order_by("status", "-created_at")


def program_relationship(program: Program, relationship_id: int) -> Relationship:
    """One match of the program (the caller has checked the program is the viewer's to run)."""
    relationship = program.relationships.filter(pk=relationship_id).first()
    if relationship is None:
        raise NotFound()
    return relationship


def repair_requests(user: User, relationship: Relationship) -> QuerySet[RepairRequest]:
    """Re-pair requests and their reasons: for the program's own coordinators only."""
    if not coordinates(user, relationship.program):
        return RepairRequest.objects.none()
    return relationship.repair_requests.select_related("requested_by__user")


def has_open_repair_request(membership: Membership) -> bool:
    return membership.relationship.repair_requests.filter(
        requested_by_id=membership.person_id, handled_at__isnull=True
    ).exists()


def open_repair_requests(user: User, program: Program) -> QuerySet[RepairRequest]:
    if not coordinates(user, program):
        return RepairRequest.objects.none()
    return RepairRequest.objects.filter(
        relationship__program=program, handled_at__isnull=True
    ).select_related("requested_by__user", "relationship")


def enrolled_people(program: Program) -> QuerySet[Person]:
    return (
        Person.objects.filter(
            enrolments__program=program, enrolments__status=EnrolmentStatus.ACTIVE
        )
        .select_related("user")
        .order_by("user__name")
    )


def enrolled_names(program: Program) -> list[tuple[int, str]]:
    """(person id, name) of everyone enrolled, by name: the run review's people pickers, which
    list a whole program (thousands of options) and need nothing else from each person."""
    return list(enrolled_people(program).values_list("pk", "user__name"))


def matchable(program: Program) -> list[Enrolment]:
    """Active enrolments of people who have finished what the program requires before
    matching (its trainings and agreements, ``tandem.learning``)."""
    enrolments = list(
        Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE).select_related(
            "person__user", "person__department"
        )
    )
    return ready_for_matching(program, enrolments)


def pool(program: Program) -> list[Enrolment]:
    """Enrolled people who are not in a live match of this program (the re-match pool), with
    mentors and buddies who still have room; people still waiting on a required training are
    not in it (``waiting_on_training``)."""
    live = live_match_counts(program)
    return [e for e in matchable(program) if live.get(e.person_id, 0) < e.capacity]


def waiting_on_training(program: Program) -> list[Any]:
    """Who is kept out of the pool by a required training, and which (names: audit the read)."""
    return waiting_list(program)


def live_match_counts(program: Program) -> dict[int, int]:
    return dict(
        Membership.objects.filter(
            relationship__program=program, relationship__status__in=LIVE_STATUSES
        )
        .values_list("person_id")
        .annotate(n=Count("id"))
        .values_list("person_id", "n")
    )


def has_live_relationships(program: Program) -> bool:
    return Relationship.objects.filter(program=program, status__in=LIVE_STATUSES).exists()


ROUND_EVERY = {
    "weekly": timedelta(days=7),
    "biweekly": timedelta(days=14),
    "monthly": timedelta(days=30),
}


def rotation_due(program: Program, now: datetime) -> bool:
    """Whether a coffee rotation's next round is due by its cadence."""
    last = (
        program.runs.filter(purpose=RunPurpose.ROTATION)
        .exclude(status__in=[RunStatus.FAILED, RunStatus.DISCARDED])
        .order_by("-created_at")
        .first()
    )
    return last is None or last.created_at + ROUND_EVERY[program.cadence] <= now


def criteria_version(program: Program, criteria_id: int) -> CriteriaVersion:
    """A criteria version of this program; another program's version is not found."""
    version = program.criteria_versions.filter(pk=criteria_id).first()
    if version is None:
        raise NotFound()
    return version


def my_match_list(user: User) -> QuerySet[Membership]:
    """The user's memberships with everyone in each relationship, for the list of my matches."""
    members = Membership.objects.select_related("person__user")
    return memberships_of(user).prefetch_related(
        Prefetch("relationship__members", queryset=members)
    )


def my_match(user: User, membership_id: int) -> Membership:
    membership = my_match_list(user).filter(pk=membership_id).first()
    if membership is None:
        raise NotFound()
    return membership


@dataclass(frozen=True)
class WaitingNote:
    program: Program
    text: str
    training: Any = None  # the first training to finish, when one keeps them out of the pool


def waiting_notes(user: User) -> list[WaitingNote]:
    """For each program a person is enrolled in without a live match: why, and what happens next
    (an unmatched person's home must never say nothing)."""
    enrolments = Enrolment.objects.filter(
        person__user=user,
        status=EnrolmentStatus.ACTIVE,
        program__status__in=(ProgramStatus.ENROLLING, ProgramStatus.MATCHING, ProgramStatus.ACTIVE),
    ).select_related("program", "person")
    live_by_program = dict(
        Membership.objects.filter(person__user=user, relationship__status__in=LIVE_STATUSES)
        .values_list("relationship__program_id")
        .annotate(n=Count("id"))
        .values_list("relationship__program_id", "n")
    )
    notes = []
    for enrolment in enrolments:
        program = enrolment.program
        live = live_by_program.get(program.pk, 0)
        if live >= enrolment.capacity or (live and program.status == ProgramStatus.ACTIVE):
            continue
        missing = waiting_on(program, [enrolment]).get(enrolment.person_id)
        if missing:
            names = " and ".join(f"“{t.title}”" for t in missing)
            notes.append(WaitingNote(program, f"Finish {names} to enter matching.", missing[0]))
            continue
        notes.append(WaitingNote(program, _waiting_text(program, enrolment.person)))
    return notes


def _waiting_text(program: Program, person: Person) -> str:
    if program.status == ProgramStatus.ENROLLING:
        closes = program.enrolment_closes_on
        when = f" on {closes:%-d %B}" if closes else ""
        return (
            f"You are enrolled. Enrolment closes{when}; then everyone is matched at once and you "
            "get an email with your match and why it was made."
        )
    if program.status == ProgramStatus.MATCHING:
        return (
            "Enrolment has closed and the coordinators are matching everyone now; you will get "
            "an email with your match and why it was made."
        )
    last = (
        UnmatchedPerson.objects.filter(run__program=program, person=person)
        .exclude(run__status=RunStatus.DISCARDED)
        .order_by("-run__created_at")
        .first()
    )
    reason = f" Why: {last.reason.rstrip('.')}." if last and last.reason else ""
    if program.kind == ProgramKind.COFFEE_ROTATION:
        return f"You were not paired this round.{reason} You are first in line for the next round."
    return (
        f"You have no match yet.{reason} The coordinators match people who are waiting as soon "
        "as a good partner is available; you will get an email."
    )

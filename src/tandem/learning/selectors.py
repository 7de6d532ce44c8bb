"""Reads for the library and the trainings, with their access rules.

Organisation-wide items (no program) are for everyone signed in; a program's items are for the
people enrolled in it and its coordinators (admins: all). A foreign id looks exactly like a
missing one. Audience (mentor / mentee / everyone) decides where an item is suggested, not who
may read it: anyone may take off one hat and read about the other.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from tandem.accounts.models import User
from tandem.core.errors import NotFound
from tandem.learning.models import (
    Audience,
    Completion,
    HelpfulMark,
    Requirement,
    RequirementRole,
    Resource,
    ResourceView,
    Stage,
    Training,
    TrainingKind,
)
from tandem.people.models import Person, Skill
from tandem.programs.extensions import EnrolmentNote
from tandem.programs.models import (
    Enrolment,
    EnrolmentRole,
    EnrolmentStatus,
    Program,
    ProgramStatus,
)
from tandem.programs.selectors import can_coordinate, coordinated_programs

#: Use counts below this are shown as "fewer than 5" (the dashboards' floor).
K_MIN = 5
LIVE_PROGRAMS = (ProgramStatus.ENROLLING, ProgramStatus.MATCHING, ProgramStatus.ACTIVE)
MENTOR_ROLES = (EnrolmentRole.MENTOR, EnrolmentRole.BUDDY)
MENTEE_ROLES = (EnrolmentRole.MENTEE, EnrolmentRole.NEW_HIRE)


# --- who may see and manage what --------------------------------------------------------------


def my_program_ids(user: User) -> list[int]:
    return list(
        Enrolment.objects.filter(person__user=user, status=EnrolmentStatus.ACTIVE).values_list(
            "program_id", flat=True
        )
    )


def _readable(user: User) -> Q:
    if user.is_admin:
        return Q()
    managed = list(coordinated_programs(user).values_list("pk", flat=True))
    return Q(program__isnull=True) | Q(program_id__in=[*my_program_ids(user), *managed])


def can_manage(user: User, program: Program | None) -> bool:
    """Admins look after organisation-wide items; a program's coordinators after its own."""
    if program is None:
        return bool(user.is_admin)
    return can_coordinate(user, program)


def managed_programs(user: User) -> QuerySet[Program]:
    return coordinated_programs(user).exclude(status=ProgramStatus.CLOSED)


def person_of(user: User) -> Person | None:
    return Person.objects.filter(user=user).first()


# --- the library ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LibraryFilters:
    q: str = ""
    skill: int | None = None
    stage: str = ""
    audience: str = ""
    program: int | None = None  # 0: organisation-wide only


def library(user: User, filters: LibraryFilters | None = None) -> QuerySet[Resource]:
    """The items ``user`` may read, newest edits last, filtered by search and tags."""
    f = filters or LibraryFilters()
    items = Resource.objects.filter(_readable(user), archived_at__isnull=True)
    if f.q:
        items = items.filter(
            Q(title__icontains=f.q) | Q(summary__icontains=f.q) | Q(body__icontains=f.q)
        )
    if f.skill:
        items = items.filter(skills__pk=f.skill)
    if f.audience in Audience.values:
        items = items.filter(audience__in=[f.audience, Audience.EVERYONE])
    if f.program == 0:
        items = items.filter(program__isnull=True)
    elif f.program:
        items = items.filter(program_id=f.program)
    items = items.select_related("program").prefetch_related("skills").distinct()
    if f.stage in Stage.values:
        # stages is a short JSON list; filtered here so SQLite and PostgreSQL agree
        return (
            Resource.objects.filter(pk__in=[r.pk for r in items if f.stage in (r.stages or [])])
            .select_related("program")
            .prefetch_related("skills")
        )
    return items


def access_resource(*, user: User, resource_id: int, manage: bool = False) -> Resource:
    resource = Resource.objects.select_related("program").filter(pk=resource_id).first()
    if resource is None:
        raise NotFound()
    managing = can_manage(user, resource.program)
    if manage and not managing:
        raise NotFound()
    if managing:
        return resource
    if resource.archived_at is not None:
        raise NotFound()
    if resource.program_id is not None and resource.program_id not in my_program_ids(user):
        raise NotFound()
    return resource


def is_helpful_to(resource: Resource, person: Person | None) -> bool:
    return bool(person) and HelpfulMark.objects.filter(resource=resource, person=person).exists()


def helpful_ids(person: Person | None, resources: Iterable[Resource]) -> set[int]:
    if person is None:
        return set()
    return set(
        HelpfulMark.objects.filter(
            person=person, resource__in=[r.pk for r in resources]
        ).values_list("resource_id", flat=True)
    )


def skills_in_use() -> QuerySet[Skill]:
    """The directory's skills some library item is tagged with (the library's tag filter)."""
    return Skill.objects.filter(
        Exists(Resource.skills.through.objects.filter(skill_id=OuterRef("pk")))
    ).order_by("name")


def tag_skill_choices() -> QuerySet[Skill]:
    return Skill.objects.order_by("name")


@dataclass(frozen=True)
class Use:
    resource: Resource
    readers: int
    helpful: int

    @property
    def readers_shown(self) -> str:
        return _floor(self.readers)

    @property
    def helpful_shown(self) -> str:
        return _floor(self.helpful)


def _floor(count: int) -> str:
    return str(count) if count == 0 or count >= K_MIN else f"fewer than {K_MIN}"


def usage(user: User) -> list[Use]:
    """Counts of distinct readers and helpful marks per item ``user`` manages. Never who."""
    programs = list(managed_programs(user).values_list("pk", flat=True))
    scope = Q(program_id__in=programs)
    if user.is_admin:
        scope |= Q(program__isnull=True)
    items = (
        Resource.objects.filter(scope)
        .select_related("program")
        .annotate(
            n_readers=Count("views", distinct=True), n_helpful=Count("helpful", distinct=True)
        )
        .order_by("-n_readers", "title")
    )
    return [Use(r, r.n_readers, r.n_helpful) for r in items]


def resource_counts(resource: Resource) -> Use:
    return Use(
        resource,
        ResourceView.objects.filter(resource=resource).count(),
        HelpfulMark.objects.filter(resource=resource).count(),
    )


# --- found where needed -----------------------------------------------------------------------


def relationship_stage(
    *, kickoff_held: bool, activated_at: datetime | None, ending: bool, now: datetime
) -> str:
    """The stage of a relationship, from facts the relationships app knows."""
    if ending:
        return Stage.CLOSING
    if not kickoff_held:
        return Stage.BEFORE_KICKOFF
    if activated_at is not None and (now - activated_at).days <= 31:
        return Stage.FIRST_MONTH
    return ""


def suggested(
    *,
    program: Program,
    skill_ids: Iterable[int],
    stage: str,
    roles: Iterable[str] = (),
    limit: int = 4,
) -> list[Resource]:
    """Items for a pair or a meeting: the program's and the organisation's, ranked by the
    skills they share with what the pair wants to grow, then by the relationship's stage.
    An item matching neither is not suggested."""
    wanted = set(skill_ids)
    audiences = {Audience.EVERYONE}
    for role in roles:
        if role in MENTOR_ROLES:
            audiences.add(Audience.MENTOR)
        elif role in MENTEE_ROLES:
            audiences.add(Audience.MENTEE)
        else:  # peers wear both hats
            audiences |= {Audience.MENTOR, Audience.MENTEE}
    candidates = (
        Resource.objects.filter(Q(program__isnull=True) | Q(program=program))
        .filter(archived_at__isnull=True, audience__in=audiences)
        .prefetch_related("skills")
    )
    ranked = []
    for item in candidates:
        shared = sum(1 for s in item.skills.all() if s.pk in wanted)
        at_stage = bool(stage) and stage in (item.stages or [])
        if shared or at_stage:
            ranked.append((-(2 * shared + int(at_stage)), item.title, item))
    return [item for *_, item in sorted(ranked, key=lambda r: (r[0], r[1]))[:limit]]


# --- trainings and requirements ---------------------------------------------------------------


def trainings_managed(user: User) -> QuerySet[Training]:
    programs = list(managed_programs(user).values_list("pk", flat=True))
    scope = Q(program_id__in=programs)
    if user.is_admin:
        scope |= Q(program__isnull=True)
    return Training.objects.filter(scope).select_related("program").order_by("title")


def trainings_for_program(program: Program) -> QuerySet[Training]:
    """What a program may require: its own trainings and the organisation's."""
    return Training.objects.filter(
        Q(program__isnull=True) | Q(program=program), archived_at__isnull=True
    ).order_by("title")


def access_training(*, user: User, training_id: int, manage: bool = False) -> Training:
    training = Training.objects.select_related("program").filter(pk=training_id).first()
    if training is None:
        raise NotFound()
    managing = can_manage(user, training.program)
    if managing:
        return training
    if manage or training.archived_at is not None:
        raise NotFound()
    mine = my_program_ids(user)
    required = Requirement.objects.filter(training=training, program_id__in=mine).exists()
    if training.program_id is None or training.program_id in mine or required:
        return training
    raise NotFound()


def requirements(program: Program) -> list[Requirement]:
    return list(program.requirements.select_related("training"))


def applies(requirement: Requirement, role: str) -> bool:
    if requirement.role == RequirementRole.MENTORS:
        return role in MENTOR_ROLES
    if requirement.role == RequirementRole.MENTEES:
        return role in MENTEE_ROLES
    return True


def waiting_on(
    program: Program,
    enrolments: Iterable[Enrolment] | None = None,
    needed: list[Requirement] | None = None,
) -> dict[int, list[Training]]:
    """For each enrolled person who has not finished what the program requires of their role:
    the trainings still to do (two queries; none when nothing is required)."""
    needed = requirements(program) if needed is None else needed
    if not needed:
        return {}
    if enrolments is None:
        enrolments = Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE)
    enrolments = list(enrolments)
    done = set(
        Completion.objects.filter(
            training_id__in=[r.training_id for r in needed],
            person_id__in=[e.person_id for e in enrolments],
            completed_at__isnull=False,
        ).values_list("person_id", "training_id")
    )
    waiting: dict[int, list[Training]] = {}
    for enrolment in enrolments:
        missing = [
            r.training
            for r in needed
            if applies(r, enrolment.role) and (enrolment.person_id, r.training_id) not in done
        ]
        if missing:
            waiting[enrolment.person_id] = missing
    return waiting


def ready_for_matching(program: Program, enrolments: list[Enrolment]) -> list[Enrolment]:
    """The enrolments that may enter the matching pool: requirements done."""
    waiting = waiting_on(program, enrolments)
    return [e for e in enrolments if e.person_id not in waiting]


@dataclass(frozen=True)
class Waiting:
    enrolment: Enrolment
    trainings: list[Training]


def waiting_list(program: Program) -> list[Waiting]:
    """Who is waiting on what, by name (coordinators: audit the read)."""
    needed = requirements(program)
    if not needed:
        return []  # nothing required: do not load every enrolment (run review, 2,000 people)
    enrolments = list(
        Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE).select_related(
            "person__user"
        )
    )
    waiting = waiting_on(program, enrolments, needed)
    rows = [Waiting(e, waiting[e.person_id]) for e in enrolments if e.person_id in waiting]
    return sorted(rows, key=lambda w: w.enrolment.person.user.name)


@dataclass(frozen=True)
class Pending:
    program: Program
    training: Training
    attempts: int


def my_pending(user: User) -> list[Pending]:
    """What ``user`` must finish before entering matching, per live program."""
    enrolments = list(
        Enrolment.objects.filter(
            person__user=user, status=EnrolmentStatus.ACTIVE, program__status__in=LIVE_PROGRAMS
        ).select_related("program")
    )
    if not enrolments:
        return []
    needed: dict[int, list[Requirement]] = defaultdict(list)
    for requirement in Requirement.objects.filter(
        program_id__in=[e.program_id for e in enrolments]
    ).select_related("training"):
        needed[requirement.program_id].append(requirement)
    if not needed:
        return []
    progress = {
        c.training_id: c for c in Completion.objects.filter(person_id=enrolments[0].person_id)
    }
    pending = []
    for enrolment in enrolments:
        for requirement in needed.get(enrolment.program_id, []):
            state = progress.get(requirement.training_id)
            if applies(requirement, enrolment.role) and (state is None or not state.completed_at):
                attempts = state.attempts if state else 0
                pending.append(Pending(enrolment.program, requirement.training, attempts))
    return pending


def completion_of(training: Training, person: Person | None) -> Completion | None:
    if person is None:
        return None
    return Completion.objects.filter(training=training, person=person).first()


def requiring_programs(training: Training, user: User) -> list[Program]:
    return list(
        Program.objects.filter(
            requirements__training=training,
            enrolments__person__user=user,
            enrolments__status=EnrolmentStatus.ACTIVE,
        ).distinct()
    )


# --- KPIs (insights reads these; it applies its own small-group rules) ------------------------


@dataclass(frozen=True)
class TrainingFigures:
    required: int  # people of whom the program requires something
    complete: int  # of them, people who finished everything
    median_days: float | None
    timed: int  # people the median is over


def training_figures(program: Program, people: Any = None) -> TrainingFigures | None:
    """Completion of a program's requirements over its active enrolments (or the ``people``
    subquery a filtered dashboard passes); None when it requires nothing."""
    needed = requirements(program)
    if not needed:
        return None
    chosen = Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE)
    if people is not None:
        chosen = chosen.filter(person_id__in=people)
    enrolments = list(chosen)
    finished: dict[tuple[int, int], datetime | None] = {
        (person, training): at
        for person, training, at in Completion.objects.filter(
            training_id__in=[r.training_id for r in needed],
            person_id__in=[e.person_id for e in enrolments],
            completed_at__isnull=False,
        ).values_list("person_id", "training_id", "completed_at")
    }
    required = complete = 0
    days: list[float] = []
    for enrolment in enrolments:
        own = [r for r in needed if applies(r, enrolment.role)]
        if not own:
            continue
        required += 1
        times = [finished.get((enrolment.person_id, r.training_id)) for r in own]
        if all(times):
            complete += 1
            start = max([enrolment.created_at, *(r.created_at for r in own)])
            last = max(t for t in times if t is not None)
            days.append(max(0.0, (last - start).total_seconds() / 86400))
    median = statistics.median(days) if days else None
    return TrainingFigures(required, complete, median, len(days))


def library_readers(program: Program, people: Any = None) -> tuple[int, int]:
    """(participants who opened at least one item, participants) for the library-use KPI."""
    enrolments = Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE)
    if people is not None:
        enrolments = enrolments.filter(person_id__in=people)
    total = enrolments.count()
    readers = (
        ResourceView.objects.filter(
            person_id__in=enrolments.values("person_id"),
        )
        .filter(Q(resource__program__isnull=True) | Q(resource__program=program))
        .values("person_id")
        .distinct()
        .count()
    )
    return readers, total


def training_kinds() -> list[tuple[str, str]]:
    return list(TrainingKind.choices)


def enrolment_notes(user: User, program: Program) -> list[EnrolmentNote]:
    """On the enrolment page: what the program asks for before matching, and where this
    person stands on each (so nobody learns it only after enrolling)."""
    needed = requirements(program)
    if not needed:
        return []
    person = person_of(user)
    mine = set(my_program_ids(user))
    done = (
        {
            c.training_id: c
            for c in Completion.objects.filter(
                person=person, training_id__in=[r.training_id for r in needed]
            )
        }
        if person
        else {}
    )
    items = []
    for requirement in needed:
        training = requirement.training
        state = done.get(training.pk)
        if state is not None and state.completed_at:
            status = "done"
        elif training.is_module:
            status = f"about {training.minutes} minutes"
        else:
            status = "to read and accept"
        if requirement.role:
            status = f"{requirement.get_role_display().lower()}; {status}"
        readable = training.program_id is None or program.pk in mine or can_manage(user, program)
        url = reverse("learning:training", args=[training.pk]) if readable else ""
        items.append((training.title, url, status))
    left = sum(1 for _, _, status in items if not status.endswith("done"))
    if left == 0:
        text = "This program asks for these before matching; you have done them all."
    else:
        text = "This program asks you to complete these before you can be matched. " + (
            "You join the matching pool as soon as they are done."
            if program.pk in mine
            else "You can enrol now and do them afterwards."
        )
    return [EnrolmentNote(text, items)]

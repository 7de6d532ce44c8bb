"""Reads for programs, with the access rules: coordinators see the programs they coordinate
(admins all); participants see what they may join and their own enrolments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tandem.accounts.models import User
from tandem.core.errors import NotFound
from tandem.people.models import Person, PersonStatus
from tandem.people.selectors import skill_names
from tandem.programs.models import (
    PRIVATE_KINDS,
    Answer,
    CohortUpload,
    Enrolment,
    EnrolmentRole,
    EnrolmentStatus,
    NamedInvitation,
    Program,
    ProgramKind,
    ProgramStatus,
    Question,
    ReminderSent,
    SignupDay,
)


def can_coordinate(user: Any, program: Program) -> bool:
    if not getattr(user, "is_coordinator", False):
        return False
    return bool(user.is_admin or program.coordinators.filter(pk=user.pk).exists())


def coordinates(user: Any, program: Program) -> bool:
    """Whether ``user`` is one of the program's own coordinators (an admin is not, by being one):
    concern texts and re-pair reasons go to them only (least privilege)."""
    return bool(getattr(user, "pk", None)) and program.coordinators.filter(pk=user.pk).exists()


def coordinated_programs(user: User) -> QuerySet[Program]:
    if user.is_admin:
        programs = Program.objects.all()
    elif user.is_coordinator:
        programs = Program.objects.filter(coordinators=user)
    else:
        return Program.objects.none()
    return programs.annotate(
        enrolled=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ACTIVE))
    ).order_by("-created_at")


def access_program_as_coordinator(*, user: User, program_id: int) -> Program:
    program = Program.objects.filter(pk=program_id).first()
    if program is None or not can_coordinate(user, program):
        raise NotFound()
    return program


def eligible_people(program: Program) -> QuerySet[Person]:
    people = Person.objects.filter(status=PersonStatus.ACTIVE, user__is_active=True)
    department_ids = list(program.eligible_departments.values_list("pk", flat=True))
    if department_ids:
        people = people.filter(department_id__in=department_ids)
    if program.eligible_levels:
        people = people.filter(level__in=program.eligible_levels)
    if program.eligible_groups:
        people = people.filter(scim_groups__display_name__in=program.eligible_groups).distinct()
    if program.eligible_locations:
        people = people.filter(location__in=program.eligible_locations)
    if program.kind == ProgramKind.ONBOARDING_BUDDY and program.hired_within_days:
        today = timezone.localdate()
        new_since = today - timedelta(days=program.hired_within_days)
        tenured_before = today - timedelta(days=program.buddy_min_tenure_days)
        people = people.filter(Q(hire_date__gte=new_since) | Q(hire_date__lte=tenured_before))
    named = NamedInvitation.objects.filter(program=program).values("person_id")
    if not named.exists():
        return people
    return Person.objects.filter(
        Q(pk__in=people.values("pk"))
        | Q(pk__in=named, status=PersonStatus.ACTIVE, user__is_active=True)
    )


def eligibility_problem(program: Program, person: Person) -> str:
    """Why ``person`` may not join ``program`` ("" when they may)."""
    if eligible_people(program).filter(pk=person.pk).exists():
        return ""
    if program.kind == ProgramKind.ONBOARDING_BUDDY:
        return (
            "This buddy program is for people who joined recently and for colleagues who have "
            "been here a while; your hire date puts you in between."
        )
    if (
        program.eligible_groups
        and not person.scim_groups.filter(display_name__in=program.eligible_groups).exists()
    ):
        names = ", ".join(program.eligible_groups)
        return f"This program is open to members of {names} in the company directory."
    return "This program is open to a different group of people (department, level or location)."


def role_for(program: Program, person: Person, chosen: str) -> str:
    if program.kind == ProgramKind.ONBOARDING_BUDDY:
        if (
            program.hired_within_days
            and person.hire_date
            and person.hire_date
            >= (timezone.localdate() - timedelta(days=program.hired_within_days))
        ):
            return EnrolmentRole.NEW_HIRE
        return EnrolmentRole.BUDDY
    if program.kind == ProgramKind.MENTOR_MENTEE:
        return (
            chosen
            if chosen in (EnrolmentRole.MENTOR, EnrolmentRole.MENTEE)
            else EnrolmentRole.MENTEE
        )
    return EnrolmentRole.PEER


def open_programs_for(person: Person | None) -> list[Program]:
    """Programs enrolling now that this person may join."""
    if person is None:
        return []
    programs = Program.objects.filter(status=ProgramStatus.ENROLLING).order_by(
        "enrolment_closes_on"
    )
    return [p for p in programs if not eligibility_problem(p, person)]


def my_enrolments(person: Person | None) -> QuerySet[Enrolment]:
    if person is None:
        return Enrolment.objects.none()
    return Enrolment.objects.filter(person=person).select_related("program").order_by("-created_at")


def access_program_as_participant(*, user: User, program_id: int) -> Program:
    """A program a participant may look at: open to them, or one they enrolled in."""
    program = Program.objects.filter(pk=program_id).first()
    person = Person.objects.filter(user=user).first()
    if program is None or person is None:
        raise NotFound()
    enrolled = Enrolment.objects.filter(program=program, person=person).exists()
    if enrolled or can_coordinate(user, program):
        return program
    if program.status == ProgramStatus.ENROLLING and not eligibility_problem(program, person):
        return program
    raise NotFound()


def own_enrolment(*, user: User, program: Program) -> Enrolment | None:
    return (
        Enrolment.objects.filter(program=program, person__user=user)
        .select_related("person__user", "program")
        .first()
    )


def stored_answers(enrolment: Enrolment) -> dict[int, Any]:
    """The owner's own answers, private ones included (for the owner's edit form only)."""
    answers = {a.question_id: a.value for a in enrolment.answers.all()}
    answers.update({a.question_id: a.value for a in enrolment.private_answers.all()})
    return answers


def enrolment_list(
    *, user: User, program: Program, status: str = EnrolmentStatus.ACTIVE
) -> QuerySet[Enrolment]:
    """What a coordinator sees: people and their visible answers, never private ones."""
    if not can_coordinate(user, program):
        raise NotFound()
    enrolments = Enrolment.objects.filter(program=program).select_related(
        "person__user", "person__department"
    )
    if status:
        enrolments = enrolments.filter(status=status)
    return enrolments.order_by("person__user__name")


def visible_answers(enrolments: list[Enrolment]) -> dict[int, dict[str, Any]]:
    """Answers coordinators may read, keyed by enrolment and question key. ``PrivateAnswer`` is
    never queried here."""
    rows = Answer.objects.filter(enrolment__in=enrolments).select_related("question")
    result: dict[int, dict[str, Any]] = {}
    for answer in rows:
        if answer.question.kind in PRIVATE_KINDS:  # defence in depth; never stored there
            continue
        result.setdefault(answer.enrolment_id, {})[answer.question.key] = answer.value
    return result


def enrolment_counts(program: Program) -> dict[str, int]:
    return program.enrolments.aggregate(
        active=Count("id", filter=Q(status=EnrolmentStatus.ACTIVE)),
        withdrawn=Count("id", filter=Q(status=EnrolmentStatus.WITHDRAWN)),
        mentors=Count("id", filter=Q(status=EnrolmentStatus.ACTIVE, role=EnrolmentRole.MENTOR)),
        mentees=Count("id", filter=Q(status=EnrolmentStatus.ACTIVE, role=EnrolmentRole.MENTEE)),
    )


def signups_by_day(program: Program) -> list[SignupDay]:
    return list(SignupDay.objects.filter(program=program).order_by("day"))


def questions(program: Program) -> QuerySet[Question]:
    return program.questions.select_related("show_if")


def question_with_key(program: Program, key: str) -> Question | None:
    return program.questions.filter(key=key).first()


def question_of(program: Program, question_id: int) -> Question:
    """One question of a program the caller already may coordinate; others are not found."""
    question = program.questions.filter(pk=question_id).first()
    if question is None:
        raise NotFound()
    return question


def answers_by_key(enrolment: Enrolment) -> dict[str, Any]:
    """The owner's own answers keyed by question key, private ones included (for the owner)."""
    keys = dict(Question.objects.filter(program_id=enrolment.program_id).values_list("pk", "key"))
    return {keys[pk]: value for pk, value in stored_answers(enrolment).items() if pk in keys}


@dataclass(frozen=True)
class RosterRow:
    """One line of a program's enrolment list, as coordinators see it (no private answers)."""

    id: int
    name: str
    department: str | None
    level: int | None
    role: str
    status: str
    created_at: datetime
    answers: dict[str, Any]


def roster(
    *, user: User, program: Program, status: str = EnrolmentStatus.ACTIVE
) -> list[RosterRow]:
    enrolments = list(enrolment_list(user=user, program=program, status=status))
    answers = visible_answers(enrolments)
    return [
        RosterRow(
            id=e.pk,
            name=e.person.user.name,
            department=e.person.department.name if e.person.department else None,
            level=e.person.level,
            role=e.role,
            status=e.status,
            created_at=e.created_at,
            answers=answers.get(e.pk, {}),
        )
        for e in enrolments
    ]


def access_question(*, user: User, program_id: int, question_id: int) -> tuple[Program, Question]:
    """A question of a program the user coordinates; anything else answers 404."""
    program = access_program_as_coordinator(user=user, program_id=program_id)
    return program, question_of(program, question_id)


def coordinated_program(*, user: User, program_id: int) -> Program | None:
    """The program if the user coordinates it, else ``None`` (participants see its join page)."""
    program = Program.objects.filter(pk=program_id).first()
    return program if program is not None and can_coordinate(user, program) else None


def named_invitations(program: Program) -> QuerySet[NamedInvitation]:
    return NamedInvitation.objects.filter(program=program).select_related(
        "person__user", "person__department", "invited_by"
    )


def directory_search(query: str, *, limit: int = 25) -> list[Person]:
    """Active people whose name, email, department or job title contains every word of
    ``query`` (a coordinator picking people by name)."""
    words = query.split()[:5]
    if not words:
        return []
    people = Person.objects.filter(status=PersonStatus.ACTIVE, user__is_active=True)
    for word in words:
        word = word[:100]
        people = people.filter(
            Q(user__name__icontains=word)
            | Q(user__email__icontains=word)
            | Q(department__name__icontains=word)
            | Q(job_title__icontains=word)
        )
    return list(people.select_related("user", "department").order_by("user__name")[:limit])


def reminders_sent(program: Program) -> QuerySet[ReminderSent]:
    return program.reminders_sent.order_by("sent_at")


@dataclass(frozen=True)
class EnrolmentRow:
    """One enrolment as the coordinator's list shows it (visible answers only)."""

    enrolment: Enrolment
    skills_offered: list[str]
    skills_wanted: list[str]
    goals: str


def enrolment_rows(*, user: User, program: Program, status: str) -> list[EnrolmentRow]:
    enrolments = list(enrolment_list(user=user, program=program, status=status))
    answers = visible_answers(enrolments)
    names = skill_names()

    def skills(enrolment: Enrolment, key: str) -> list[str]:
        return [names.get(s, "?") for s in answers.get(enrolment.pk, {}).get(key) or []]

    return [
        EnrolmentRow(
            enrolment=e,
            skills_offered=skills(e, "skills_offered"),
            skills_wanted=skills(e, "skills_wanted"),
            goals=answers.get(e.pk, {}).get("goals", ""),
        )
        for e in enrolments
    ]


def access_cohort_upload(*, user: User, program: Program, upload_id: int) -> CohortUpload:
    """A coordinator's own pending upload for this program (anything else: 404)."""
    upload = CohortUpload.objects.filter(
        pk=upload_id, program=program, created_by=user, applied_at__isnull=True
    ).first()
    if upload is None:
        raise NotFound()
    return upload

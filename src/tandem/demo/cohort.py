"""A program brought in from a survey the coordinator already ran: the cohort import, for real.

*Sales Leadership Mentoring* starts as a draft, gets 24 people with their answers from
``leadership-survey-2026.csv`` (the senior people as mentors with the number of mentees each
chose), and moves straight to matching — so the coordinator's desk shows "run the matching".
"""

from __future__ import annotations

import csv
import io
import random

from tandem.accounts.models import User
from tandem.people.models import Department, Person, PersonStatus
from tandem.programs.models import Program, ProgramKind, ProgramStatus
from tandem.programs.services.cohort import cohort_import
from tandem.programs.services.setup import program_create
from tandem.programs.services.stages import program_transition

LANGUAGE_NAMES = {"en": "English", "de": "German", "fr": "French", "es": "Spanish", "hi": "Hindi"}


def seed_cohort_import(*, coordinator_email: str, seed: int = 23) -> Program:
    rng = random.Random(seed)
    coordinator = User.objects.get(email=coordinator_email)
    sales = Department.objects.filter(name__icontains="sales").first() or Department.objects.first()
    program = program_create(
        actor=coordinator,
        name="Sales Leadership Mentoring",
        kind=ProgramKind.MENTOR_MENTEE,
        cohort="2027",
        description="Experienced sales leads mentor people stepping into their first lead role.",
        code_of_conduct="Be kind, be on time, keep what you hear to yourself.",
        confidentiality="What is said in a mentoring conversation stays between you.",
        capacity_cap=3,
    )
    people = list(
        Person.objects.filter(status=PersonStatus.ACTIVE, department=sales, level__isnull=False)
        .select_related("user", "department")
        .prefetch_related("skills", "learning")
        .order_by("pk")
    )
    mentors = [p for p in people if (p.level or 0) >= 5][:8]
    mentees = [p for p in people if 2 <= (p.level or 0) <= 4][:16]
    cohort_import(
        actor=coordinator,
        program=program,
        data=_survey_csv(mentors, mentees, rng).encode(),
        file_name="leadership-survey-2026.csv",
    )
    return program_transition(actor=coordinator, program=program, to=ProgramStatus.MATCHING)


def _survey_csv(mentors: list[Person], mentees: list[Person], rng: random.Random) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "Email",
            "Name",
            "Do you join as a mentor or as a mentee?",
            "What can you mentor others in?",
            "What do you want a mentor's help with?",
            "Goals",
            "Level",
            "Department",
            "Time zone",
            "Languages",
            "How many mentees",
        ]
    )
    for person, role in [(m, "Mentor") for m in mentors] + [(m, "Mentee") for m in mentees]:
        offered = [s.name for s in person.skills.all()][:3] or ["Negotiation"]
        wanted = [s.name for s in person.learning.all()][:3] or ["Public speaking"]
        writer.writerow(
            [
                person.user.email,
                person.user.name,
                role,
                "; ".join(offered) if role == "Mentor" else "",
                "; ".join(wanted) if role == "Mentee" else "",
                person.goals[:300] or "Lead my first team well",
                person.level,
                person.department.name if person.department else "",
                person.timezone,
                "; ".join(LANGUAGE_NAMES.get(code, code) for code in person.languages),
                rng.choice([1, 2, 2, 3]) if role == "Mentor" else "",
            ]
        )
    return out.getvalue()


def seed_named_people(*, coordinator_email: str, seed: int = 29) -> int:
    """In the program that is enrolling, the coordinator added three colleagues by name from
    outside its filters a few days ago (shown on "Add people by name")."""
    from datetime import timedelta

    from django.utils import timezone

    from tandem.programs.models import NamedInvitation
    from tandem.programs.selectors import eligible_people
    from tandem.programs.services.named import invite_named_people

    coordinator = User.objects.get(email=coordinator_email)
    program = Program.objects.filter(status=ProgramStatus.ENROLLING).order_by("pk").first()
    if program is None:
        return 0
    candidates = (
        Person.objects.filter(status=PersonStatus.ACTIVE, level__gte=3, user__is_active=True)
        .exclude(enrolments__program=program)
        .select_related("user")
        .order_by("pk")
    )
    outside = list(candidates.exclude(pk__in=eligible_people(program).values("pk")))
    pool = outside or list(candidates[:200])
    picked = random.Random(seed).sample(pool, min(3, len(pool)))
    if not picked:
        return 0
    result = invite_named_people(actor=coordinator, program=program, people=picked)
    when = timezone.now() - timedelta(days=3)
    NamedInvitation.objects.filter(program=program).update(invited_at=when, emailed_at=when)
    return len(result.invited)

"""Demo programs with history: one enrolling for twelve days, one closed and waiting for matching,
a coffee rotation taking sign-ups, and two drafts. Enrolments go through the real service."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from tandem.accounts.models import User
from tandem.notify.models import OutboxMessage, Status
from tandem.people.models import Department, Person, PersonStatus
from tandem.programs.availability import AVAILABILITY_CHOICES
from tandem.programs.models import (
    Enrolment,
    EnrolmentStatus,
    OptOut,
    Program,
    ProgramKind,
    ProgramStatus,
    Question,
    QuestionKind,
    ReminderSent,
    SignupDay,
)
from tandem.programs.questionnaire.standard import BACKGROUND_CHOICES, LEARNING_STYLES
from tandem.programs.services.enrolment import enrolment_submit
from tandem.programs.services.setup import program_create
from tandem.programs.services.stages import program_transition

CONDUCT = (
    "Treat your partner's time as precious: turn up, or say so a day before. Listen more than you "
    "talk. Share experience, not instructions. Disagree kindly. Nothing you hear is used in "
    "performance reviews."
)
CONFIDENTIAL = (
    "What is said in your sessions stays between you. Your private notes are visible to the two "
    "of you only — not to your managers, the coordinators or HR. Coordinators see whether pairs "
    "meet, never what they discuss."
)
BOUNDARIES = (
    "Peer mentoring is not therapy, performance management or a route for complaints about "
    "colleagues. If a conversation goes there, pause it and use the support below."
)
SUPPORT = (
    "Employee Assistance Programme (free, confidential): 0800 123 4567 or eap.northwind.example. "
    "Your People Partner, or Jonas Weber (Learning & Development) for anything about the program."
)


def _program(coordinator: User, **fields: Any) -> Program:
    base: dict[str, Any] = {
        "confidentiality": CONFIDENTIAL,
        "code_of_conduct": CONDUCT,
        "boundaries": BOUNDARIES,
        "support_contact": SUPPORT,
        "meeting_formats": ["video", "in_person", "walk"],
        "kpis": [
            "signups",
            "match_rate",
            "meetings_held",
            "goal_completion",
            "satisfaction",
            "cross_department",
        ],
    }
    base.update(fields)
    name, kind = base.pop("name"), base.pop("kind")
    return program_create(actor=coordinator, name=name, kind=kind, **base)


def _answers(
    program: Program, person: Person, rng: random.Random, role: str
) -> dict[Question, Any]:
    skills = [s.pk for s in person.skills.all()]
    wanted = [s.pk for s in person.learning.all()]
    answers: dict[Question, Any] = {}
    for question in program.questions.all():
        kind = question.kind
        value: Any = None
        if kind == QuestionKind.SKILLS_OFFERED:
            value = skills if (question.show_if is None or role == "mentor") else None
        elif kind == QuestionKind.SKILLS_WANTED:
            value = wanted if (question.show_if is None or role == "mentee") else None
        elif kind == QuestionKind.INTERESTS:
            value = sorted(set(rng.sample(skills + wanted, k=min(3, len(skills + wanted)))))
        elif kind == QuestionKind.GOALS:
            value = person.goals
        elif kind == QuestionKind.LEVEL:
            value = person.level
        elif kind == QuestionKind.DEPARTMENT:
            value = person.department_id
        elif kind == QuestionKind.TIMEZONE:
            value = person.timezone
        elif kind == QuestionKind.LANGUAGES:
            value = list(person.languages)
        elif kind == QuestionKind.AVAILABILITY:
            value = sorted(rng.sample([k for k, _ in AVAILABILITY_CHOICES], k=rng.randint(3, 7)))
        elif kind == QuestionKind.MEETING_FORMAT:
            value = rng.sample(question.choices, k=rng.randint(1, 2))
        elif kind == QuestionKind.LEARNING_STYLE:
            value = rng.choice([k for k, _ in LEARNING_STYLES])
        elif kind == QuestionKind.ROLE:
            value = role
        elif kind == QuestionKind.BACKGROUND and rng.random() < 0.18:
            value = rng.sample(BACKGROUND_CHOICES, k=1)
        answers[question] = value
    return answers


def _enrol(
    program: Program,
    people: list[Person],
    rng: random.Random,
    *,
    roles: dict[int, str] | None = None,
) -> list[Enrolment]:
    enrolments = []
    for person in people:
        role = (roles or {}).get(person.pk, "")
        enrolments.append(
            enrolment_submit(
                actor=person.user,
                program=program,
                answers=_answers(program, person, rng, role),
                role=role,
            )
        )
    return enrolments


def _backdate(
    program: Program,
    enrolments: list[Enrolment],
    opened: date,
    today: date,
    rng: random.Random,
    withdraw_share: float,
) -> None:
    """Spread sign-ups over the days since opening (a launch spike, then a tail with a bump after
    each reminder) and rebuild the daily counts from them."""
    span = max(1, (today - opened).days)
    weights = [3.0 if d == 0 else 1.6 if d == 1 else 1.0 / (1 + d / 3) for d in range(span + 1)]
    for day in program.reminder_days:
        if day <= span:
            weights[day] += 0.9
    now = timezone.now() - (timezone.localdate() - today)
    withdrawn = set(rng.sample(range(len(enrolments)), k=int(len(enrolments) * withdraw_share)))
    SignupDay.objects.filter(program=program).delete()
    per_day: Counter[date] = Counter()
    withdrawals: Counter[date] = Counter()
    for index, enrolment in enumerate(enrolments):
        offset = rng.choices(range(span + 1), weights=weights)[0]
        created = now - timedelta(days=span - offset, hours=rng.randint(0, 8))
        fields: dict[str, Any] = {
            "created_at": created,
            "updated_at": created,
            "accepted_guidelines_at": created,
        }
        per_day[created.date()] += 1
        if index in withdrawn:
            gone = min(now, created + timedelta(days=rng.randint(1, 4)))
            fields |= {"status": EnrolmentStatus.WITHDRAWN, "withdrawn_at": gone}
            withdrawals[gone.date()] += 1
            enrolment.private_answers.all().delete()
        Enrolment.objects.filter(pk=enrolment.pk).update(**fields)
    SignupDay.objects.bulk_create(
        [
            SignupDay(program=program, day=day, signups=per_day[day], withdrawals=withdrawals[day])
            for day in sorted(set(per_day) | set(withdrawals))
        ]
    )


def _open(program: Program, coordinator: User, *, opened: date, closes: date) -> None:
    Program.objects.filter(pk=program.pk).update(enrolment_closes_on=closes)
    program.refresh_from_db()
    program_transition(
        actor=coordinator,
        program=program,
        to=ProgramStatus.ENROLLING,
        today=opened,
        confirmation=program.name,
    )
    opened_at = timezone.make_aware(datetime.combine(opened, time(9, 0)))
    Program.objects.filter(pk=program.pk).update(enrolment_opens_on=opened, opened_at=opened_at)
    ReminderSent.objects.filter(program=program, key="invitation").update(sent_at=opened_at)
    program.refresh_from_db()


def seed_programs(
    *, coordinator_email: str, participant_email: str, seed: int = 11
) -> list[Program]:
    rng = random.Random(seed)
    today = timezone.localdate()
    coordinator = User.objects.get(email=coordinator_email)
    participant = Person.objects.get(user__email=participant_email)
    active = list(
        Person.objects.filter(status=PersonStatus.ACTIVE)
        .select_related("user")
        .prefetch_related("skills", "learning")
        .order_by("pk")
    )

    peer = _program(
        coordinator,
        name="Cross-Team Peer Mentoring",
        kind=ProgramKind.PEER_PAIRS,
        cohort="Winter 2026/27",
        description="Pair up with a colleague from another team at a similar career stage. "
        "You will both bring questions and both share what you know — two hats, one hour every "
        "two weeks.",
        objectives="Break down silos between teams; help people grow the skills their role does "
        "not teach them; raise engagement scores on 'I have someone to learn from'.",
        reminder_days=[7, 14],
        last_call_days=2,
    )
    _open(peer, coordinator, opened=today - timedelta(days=12), closes=today + timedelta(days=9))
    pool = [p for p in active if p.pk != participant.pk]
    joiners = [participant, *rng.sample(pool, k=150)]
    _backdate(peer, _enrol(peer, joiners, rng), today - timedelta(days=12), today, rng, 0.05)
    Enrolment.objects.filter(program=peer, person=participant).update(
        status=EnrolmentStatus.ACTIVE, withdrawn_at=None
    )
    OptOut.objects.bulk_create(
        [
            OptOut(program=peer, person=p)
            for p in rng.sample([p for p in pool if p not in joiners], k=24)
        ]
    )
    reminder = ReminderSent.objects.create(program=peer, key="reminder-day-7", recipients=0)
    ReminderSent.objects.filter(pk=reminder.pk).update(
        sent_at=timezone.now() - timedelta(days=5), recipients=len(active) - 110
    )

    engineering = list(Department.objects.filter(name__in=["Engineering", "Data"]))
    mentoring = _program(
        coordinator,
        name="Engineering Mentoring: Staff+ to Mid-level",
        kind=ProgramKind.MENTOR_MENTEE,
        cohort="Q4 2026",
        eligible_departments=engineering,
        description="Senior and staff engineers mentor engineers at levels 1–4 on design, code "
        "review and career growth. Mentors take one or two mentees.",
        objectives="Grow the next generation of senior engineers; spread design judgement.",
        cadence="biweekly",
        duration_months=4,
        capacity_cap=2,
        reminder_days=[5],
    )
    _open(
        mentoring, coordinator, opened=today - timedelta(days=24), closes=today - timedelta(days=3)
    )
    eng_people = [p for p in active if p.department_id in {d.pk for d in engineering}]
    mentors = [p for p in eng_people if (p.level or 0) >= 5][:30]
    mentees = rng.sample([p for p in eng_people if (p.level or 9) <= 4], k=min(55, len(eng_people)))
    roles = {p.pk: "mentor" for p in mentors} | {p.pk: "mentee" for p in mentees}
    enrolments = _enrol(mentoring, mentors + mentees, rng, roles=roles)
    for mentor in mentors[::3]:
        Enrolment.objects.filter(program=mentoring, person=mentor).update(capacity=2)
    _backdate(
        mentoring, enrolments, today - timedelta(days=24), today - timedelta(days=3), rng, 0.03
    )
    program_transition(
        actor=coordinator,
        program=mentoring,
        to=ProgramStatus.MATCHING,
        confirmation=mentoring.name,
    )

    coffee = _program(
        coordinator,
        name="Coffee Roulette",
        kind=ProgramKind.COFFEE_ROTATION,
        description="Every two weeks, a 30-minute virtual coffee with someone new from anywhere "
        "in Northwind. No agenda needed.",
        objectives="More weak ties across offices and time zones.",
        reminder_days=[14],
        duration_months=12,
        hours_per_month=1,
    )
    _open(coffee, coordinator, opened=today - timedelta(days=40), closes=today + timedelta(days=60))
    coffee_people = rng.sample([p for p in pool if p not in joiners], k=70)
    _backdate(
        coffee,
        _enrol(coffee, coffee_people, rng),
        today - timedelta(days=40),
        today - timedelta(days=30),
        rng,
        0.0,
    )

    circles = _program(
        coordinator,
        name="New Manager Circles",
        kind=ProgramKind.CIRCLES,
        cohort="Spring 2027",
        description="Circles of four first-time managers meet monthly to work through real "
        "situations together.",
        eligible_levels=[5, 6],
        group_size=4,
        cadence="monthly",
    )
    buddies = _program(
        coordinator,
        name="New Hire Buddies",
        kind=ProgramKind.ONBOARDING_BUDDY,
        description="Every new hire gets a buddy for their first 90 days.",
        hired_within_days=30,
        buddy_min_tenure_days=365,
        capacity_cap=2,
        duration_months=3,
        cadence="weekly",
    )
    return [peer, mentoring, coffee, circles, buddies]


def _quiet_history() -> None:
    """Seeded history was 'delivered' long ago; only the newest invitations wait for the worker,
    so the demo console shows a handful of emails, not a thousand."""
    newest = set(OutboxMessage.objects.filter(kind="invitation").values_list("pk", flat=True))
    OutboxMessage.objects.filter(status=Status.PENDING).exclude(pk__in=newest).update(
        status=Status.SENT, sent_at=timezone.now(), attempts=1
    )

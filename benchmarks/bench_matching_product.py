"""Matching inside the product on PostgreSQL: a program with N enrolments is matched (engine run
plus storing every proposal) and the run is published (relationships, memberships and one email
per person written to the outbox, in one transaction). Two JSON lines' worth of figures per case.
"""

from __future__ import annotations

import random

from benchmarks.django_env import drop_database, setup_django
from benchmarks.measure import measure

CASES = [("match_run_and_publish_pg", [10_000])]

SKILLS = [
    "Python",
    "SQL",
    "Public speaking",
    "Negotiation",
    "Design systems",
    "Coaching",
    "Roadmapping",
    "Statistics",
    "Writing clearly",
    "Hiring",
    "Giving feedback",
    "Kubernetes",
    "Forecasting",
    "User research",
    "Delegation",
    "Storytelling",
    "Facilitation",
    "Go",
    "Testing strategy",
    "Stakeholder management",
]
ZONES = [
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Australia/Sydney",
    "America/Sao_Paulo",
]
GOALS = [
    "present at the all-hands",
    "lead a cross-team project",
    "grow into a staff role",
    "get better at negotiation",
    "learn to give hard feedback",
    "move into management",
]


def seed(n: int, rng: random.Random):  # type: ignore[no-untyped-def]
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
    from django.utils import timezone

    from tandem.accounts.models import Role, User
    from tandem.people.models import Department, Person, Skill
    from tandem.programs.models import Answer, Enrolment, Program
    from tandem.programs.services.setup import program_create
    from tandem.programs.services.stages import program_transition

    admin = User.objects.create_user("admin@bench.example", "Admin", role=Role.ADMIN)
    departments = Department.objects.bulk_create([Department(name=f"Dept {i}") for i in range(20)])
    skills = Skill.objects.bulk_create([Skill(name=s) for s in SKILLS])
    users = User.objects.bulk_create(
        [
            User(email=f"p{i}@bench.example", name=f"Person {i}", password=UNUSABLE_PASSWORD_PREFIX)
            for i in range(n)
        ],
        batch_size=5000,
    )
    people = Person.objects.bulk_create(
        [
            Person(
                user=u,
                department=rng.choice(departments),
                level=rng.randint(1, 8),
                timezone=rng.choice(ZONES),
                languages=["en"],
            )
            for u in users
        ],
        batch_size=5000,
    )
    program = program_create(
        actor=admin,
        name="Bench peers",
        kind="peer_pairs",
        code_of_conduct="x",
        confidentiality="x",
        enrolment_closes_on=timezone.localdate(),
    )
    program = program_transition(
        actor=admin, program=program, to="enrolling", confirmation=program.name
    )
    now = timezone.now()
    enrolments = Enrolment.objects.bulk_create(
        [Enrolment(program=program, person=p, accepted_guidelines_at=now) for p in people],
        batch_size=5000,
    )
    questions = {q.key: q for q in program.questions.all()}
    answers = []
    for e in enrolments:
        offered = rng.sample(skills, 3)
        wanted = rng.sample([s for s in skills if s not in offered], 3)
        answers += [
            Answer(
                enrolment=e, question=questions["skills_offered"], value=[s.pk for s in offered]
            ),
            Answer(enrolment=e, question=questions["skills_wanted"], value=[s.pk for s in wanted]),
            Answer(
                enrolment=e, question=questions["goals"], value=f"I want to {rng.choice(GOALS)}"
            ),
        ]
    Answer.objects.bulk_create(answers, batch_size=10_000)
    Program.objects.filter(pk=program.pk).update(status="matching")
    program.refresh_from_db()
    return admin, program


def run_case(case: str, n: int) -> dict[str, object]:
    setup_django(postgres=True)
    from tandem.matches.models import MatchRun
    from tandem.matches.services.criteria import current_criteria
    from tandem.matches.services.publish import run_publish
    from tandem.matches.solving import run_execute
    from tandem.notify.models import OutboxMessage
    from tandem.relationships.models import Relationship

    try:
        admin, program = seed(n, random.Random(3))
        run = MatchRun.objects.create(
            program=program, criteria=current_criteria(program), participants=n
        )
        solved = measure(lambda: run_execute(run.pk))
        run.refresh_from_db()
        assert run.status == "done", run.error
        published = measure(lambda: run_publish(actor=admin, run=run))
        return {
            "case": case,
            "kind": "peer_pairs",
            "n": n,
            "database": "postgresql",
            "run_seconds": solved.seconds,
            "run_peak_mb": solved.peak_mb,
            "publish_seconds": published.seconds,
            "publish_peak_mb": published.peak_mb,
            "seconds": round(solved.seconds + published.seconds, 3),
            "peak_mb": max(solved.peak_mb, published.peak_mb),
            "matched": run.stats.get("matched"),
            "gap": run.stats.get("gap"),
            "relationships": Relationship.objects.count(),
            "emails": OutboxMessage.objects.count(),
        }
    finally:
        drop_database()

"""A completed cohort from last year, so the dashboards have a past: sign-ups 17 months ago,
pairs that met for six months, goals done and dropped, closing summaries, and people who have
left the company since (retention against colleagues who did not take part)."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from tandem.accounts.models import User
from tandem.demo.programs import CONDUCT, CONFIDENTIAL, _program
from tandem.people.models import Person, PersonStatus
from tandem.programs.models import Enrolment, Program, ProgramKind, ProgramStatus, SignupDay
from tandem.relationships.models import (
    ClosingSummary,
    EndReason,
    Goal,
    GoalStatus,
    LoggedTopic,
    Meeting,
    MeetingLog,
    MeetingStatus,
    Membership,
    NextStep,
    Relationship,
    RelationshipStatus,
)
from tandem.relationships.services.health import recount

TOPICS = [
    "Career move options",
    "Handling a tough review",
    "Presenting to executives",
    "Cross-team conflict",
    "Prioritising a crowded roadmap",
    "Asking for help early",
]


def seed_history(*, coordinator_email: str, seed: int = 21) -> Program:
    rng = random.Random(seed)
    coordinator = User.objects.get(email=coordinator_email)
    now = timezone.now()
    opened = now - timedelta(days=520)
    program = _program(
        coordinator,
        name="Peer Mentoring",
        kind=ProgramKind.PEER_PAIRS,
        cohort="Spring 2025",
        description="Last year's first pilot: 26 pairs across the company for six months.",
        objectives="Test whether peer mentoring helps people grow and stay.",
        confidentiality=CONFIDENTIAL,
        code_of_conduct=CONDUCT,
    )
    active = list(
        Person.objects.filter(status=PersonStatus.ACTIVE, hire_date__lte=opened.date()).order_by(
            "pk"
        )
    )
    leavers = list(
        Person.objects.filter(
            status=PersonStatus.LEFT,
            hire_date__lte=opened.date(),
            left_on__gt=(opened + timedelta(days=60)).date(),
        ).order_by("pk")
    )
    people = rng.sample(active, k=min(48, len(active))) + leavers[:4]
    rng.shuffle(people)
    enrolments = []
    for index, person in enumerate(people):
        created = opened + timedelta(
            days=rng.choice([0, 0, 1, 1, 2, 3, 5, 8, 12, 15]), hours=index % 9
        )
        enrolments.append(
            Enrolment(
                program=program,
                person=person,
                accepted_guidelines_at=created,
                created_at=created,
                updated_at=created,
            )
        )
    Enrolment.objects.bulk_create(enrolments)
    days: dict = {}
    for enrolment in enrolments:
        days[enrolment.created_at.date()] = days.get(enrolment.created_at.date(), 0) + 1
    SignupDay.objects.bulk_create(
        [SignupDay(program=program, day=d, signups=n) for d, n in days.items()]
    )
    matched_at = opened + timedelta(days=24)
    ended_at = matched_at + timedelta(days=185)
    for first, second in zip(people[0::2], people[1::2], strict=False):
        relationship = Relationship.objects.create(
            program=program,
            status=RelationshipStatus.ENDED,
            created_at=matched_at,
            activated_at=matched_at + timedelta(days=rng.randint(0, 3)),
            ended_at=ended_at,
            end_reason=EndReason.PROGRAM_ENDED,
            score=round(rng.uniform(0.45, 0.8), 3),
            health="on_track",
        )
        pair = [first, second]
        for person in pair:
            Membership.objects.create(
                relationship=relationship,
                person=person,
                respond_by=(matched_at + timedelta(days=7)).date(),
                accepted_at=matched_at + timedelta(hours=rng.randint(2, 70)),
            )
        meetings = rng.choice([2, 4, 6, 8, 9, 10, 11, 12])
        for n in range(meetings):
            start = matched_at + timedelta(days=4 + 14 * n + rng.randint(0, 3))
            status = MeetingStatus.MISSED if rng.random() < 0.1 else MeetingStatus.HELD
            meeting = Meeting.objects.create(
                relationship=relationship,
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                timezone=first.timezone,
                status=status,
                uid=f"history-{relationship.pk}-{n}@tandem",
                organiser=first,
                created_at=start - timedelta(days=5),
            )
            if status == MeetingStatus.HELD:
                log = MeetingLog.objects.create(meeting=meeting, author=first, created_at=start)
                lopsided = relationship.pk % 7 == 0
                LoggedTopic.objects.bulk_create(
                    [
                        LoggedTopic(log=log, title=rng.choice(TOPICS), brought_by=first),
                        LoggedTopic(
                            log=log,
                            title=rng.choice(TOPICS),
                            brought_by=first if lopsided else second,
                        ),
                    ]
                )
        for person in pair:
            goal_status = rng.choices(
                [GoalStatus.DONE, GoalStatus.DROPPED, GoalStatus.ACTIVE], [6, 2, 1]
            )[0]
            Goal.objects.create(
                relationship=relationship,
                owner=person,
                title=rng.choice(
                    [
                        "Present at an all-hands",
                        "Lead a project retro",
                        "Get a stretch assignment",
                        "Mentor a new hire",
                    ]
                ),
                metric="done",
                target="1",
                target_date=(matched_at + timedelta(days=150)).date(),
                status=goal_status,
                progress=100 if goal_status == GoalStatus.DONE else rng.choice([20, 40, 60]),
                created_at=matched_at + timedelta(days=5),
                closed_at=ended_at if goal_status != GoalStatus.ACTIVE else None,
            )
            if rng.random() < 0.8:
                membership = Membership.objects.get(relationship=relationship, person=person)
                ClosingSummary.objects.create(
                    membership=membership,
                    achieved=rng.choice(
                        [
                            "I gave my first talk to the whole department.",
                            "I finally asked for — and got — the stretch project.",
                            "I know how other teams plan; our roadmap is better for it.",
                        ]
                    ),
                    learned=rng.choice(
                        [
                            "Listening first.",
                            "That my questions help others too.",
                            "How to give feedback kindly and clearly.",
                        ]
                    ),
                    would_recommend_partner=rng.random() < 0.85,
                    would_do_again=rng.random() < 0.9,
                    next_step=NextStep.STAY,
                    created_at=ended_at + timedelta(days=rng.randint(0, 10)),
                )
    for relationship in Relationship.objects.filter(program=program):
        recount(relationship)
    Enrolment.objects.filter(program=program, person__in=people[: len(people) // 2 * 2]).update(
        first_matched_at=matched_at
    )
    Program.objects.filter(pk=program.pk).update(
        status=ProgramStatus.CLOSED,
        created_at=opened - timedelta(days=14),
        opened_at=opened,
        enrolment_opens_on=opened.date(),
        enrolment_closes_on=(opened + timedelta(days=20)).date(),
        closed_at=ended_at,
    )
    return program


def seed_coffee_meetings(*, program: Program, seed: int = 4) -> None:
    """Most coffee pairs met; a few did not."""
    rng = random.Random(seed)
    for relationship in Relationship.objects.filter(program=program).prefetch_related(
        "members__person"
    ):
        if rng.random() > 0.75:
            continue
        start = (relationship.activated_at or relationship.created_at) + timedelta(
            days=rng.randint(1, 9)
        )
        if start > timezone.now():
            continue
        first = relationship.members.all()[0].person
        Meeting.objects.create(
            relationship=relationship,
            starts_at=start,
            ends_at=start + timedelta(minutes=30),
            timezone=first.timezone,
            status=MeetingStatus.HELD,
            uid=f"coffee-{relationship.pk}@tandem",
            organiser=first,
        )
        recount(relationship)

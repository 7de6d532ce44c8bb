"""Demo relationship history for the pilot: kickoffs held three weeks ago, logs with both hats,
SMART goals with progress, upcoming meetings, private notes — and a few pairs that drifted (no
meeting, missed meetings, one-sided topics), so the health view has something to show."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from tandem.people.models import Person
from tandem.programs.models import Program
from tandem.relationships.models import (
    Goal,
    GoalUpdate,
    Meeting,
    MeetingKind,
    MeetingStatus,
    PrivateNote,
    Relationship,
    RelationshipStatus,
)
from tandem.relationships.services.goals import goal_create, goal_progress
from tandem.relationships.services.health import refresh_health
from tandem.relationships.services.logs import log_save
from tandem.relationships.services.meetings import meeting_schedule

TOPICS = [
    "Preparing for a difficult stakeholder conversation",
    "Getting feedback on a design review",
    "How to say no to extra work",
    "Structuring a 10-minute talk",
    "Reading a P&L for non-finance people",
    "Onboarding into a new codebase",
    "Running better one-to-ones",
    "Negotiating a deadline",
    "Writing a clear project update",
    "Dealing with imposter feelings in a new role",
    "Asking for a promotion",
    "Delegating without losing track",
]
GOALS = [
    ("Give two talks to 20+ colleagues", "talks given", "2 talks"),
    ("Lead one cross-team planning session", "sessions led", "1 session"),
    ("Write a clear weekly update my stakeholders read", "weekly updates sent", "8 updates"),
    ("Get comfortable giving critical feedback", "feedback conversations held", "5 conversations"),
    (
        "Learn enough SQL to answer my own data questions",
        "questions answered without help",
        "10 queries",
    ),
]


def _when(person: Person, days_ago: int, hour: int = 11) -> datetime:
    zone = ZoneInfo(person.timezone)
    day = timezone.localdate() - timedelta(days=days_ago)
    return datetime.combine(day, time(hour, 0), tzinfo=zone)


def _meeting(
    relationship: Relationship, organiser: Person, *, days_ago: int, kind: str, status: str
) -> Meeting:
    start = timezone.now() + timedelta(days=1)
    meeting = meeting_schedule(
        actor=organiser.user,
        relationship=relationship,
        starts_at=start,
        duration=timedelta(minutes=60),
        kind=kind,
    )[0]
    actual = _when(organiser, days_ago)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=actual,
        ends_at=actual + timedelta(hours=1),
        status=status,
        created_at=actual - timedelta(days=3),
        reminded_at=actual - timedelta(hours=20),
        log_prompted_at=actual + timedelta(hours=2),
    )
    meeting.refresh_from_db()
    return meeting


def _log(meeting: Meeting, people: list[Person], rng: random.Random, *, lopsided: bool) -> None:
    for author in people:
        chosen = rng.sample(TOPICS, k=2)
        bringers = [people[0], people[0]] if lopsided else [people[0], people[-1]]
        log_save(
            actor=author.user,
            meeting=meeting,
            topics=list(zip(chosen, bringers, strict=True)),
            takeaways=rng.choice(
                [
                    "Try the 'what I heard' summary before answering.",
                    "Write the ask in one sentence first.",
                    "Book focus time before saying yes to anything new.",
                ]
            ),
            next_steps=rng.choice(
                [
                    "Share a draft before Friday.",
                    "Try it in next week's team meeting.",
                    "Bring the outcome to our next session.",
                ]
            ),
        )


def seed_relationships(*, pilot: Program, participant_email: str, seed: int = 9) -> None:
    rng = random.Random(seed)
    relationships = list(
        Relationship.objects.filter(program=pilot, status=RelationshipStatus.ACTIVE)
        .prefetch_related("members__person__user")
        .order_by("pk")
    )
    mine = next(
        r for r in relationships if r.members.filter(person__user__email=participant_email).exists()
    )
    drifting = [r for r in relationships if r.pk != mine.pk][:3]
    one_sided = [r for r in relationships if r.pk != mine.pk][3:4]
    for relationship in relationships:
        people = [m.person for m in relationship.members.all()]
        organiser = people[0]
        if relationship in drifting[:1]:
            continue  # never met
        kickoff = _meeting(
            relationship,
            organiser,
            days_ago=18,
            kind=MeetingKind.KICKOFF,
            status=MeetingStatus.HELD,
        )
        _log(kickoff, people, rng, lopsided=relationship in one_sided)
        if relationship in drifting[1:]:
            if relationship is drifting[-1]:
                _meeting(
                    relationship,
                    organiser,
                    days_ago=11,
                    kind=MeetingKind.REGULAR,
                    status=MeetingStatus.MISSED,
                )
            _meeting(
                relationship,
                organiser,
                days_ago=5,
                kind=MeetingKind.REGULAR,
                status=MeetingStatus.MISSED,
            )
            continue
        second = _meeting(
            relationship,
            people[-1],
            days_ago=4,
            kind=MeetingKind.REGULAR,
            status=MeetingStatus.HELD,
        )
        _log(second, people, rng, lopsided=relationship in one_sided)
        if relationship in one_sided:
            third = _meeting(
                relationship,
                organiser,
                days_ago=1,
                kind=MeetingKind.REGULAR,
                status=MeetingStatus.HELD,
            )
            _log(third, people, rng, lopsided=True)
        for person, (title, metric, target) in zip(
            people, rng.sample(GOALS, k=len(people)), strict=True
        ):
            goal = goal_create(
                actor=person.user,
                relationship=relationship,
                title=title,
                metric=metric,
                target=target,
                target_date=timezone.localdate() + timedelta(days=rng.randint(60, 150)),
                why="It is what my last review asked of me.",
                milestones=["Pick the first opportunity", "Do it once", "Ask for feedback"],
            )
            Goal.objects.filter(pk=goal.pk).update(created_at=timezone.now() - timedelta(days=17))
            progress = rng.choice([10, 20, 25, 40])
            goal_progress(
                actor=person.user,
                goal=goal,
                progress=progress,
                note="First attempt done; feedback was encouraging.",
            )
            GoalUpdate.objects.filter(goal=goal).update(
                created_at=timezone.now() - timedelta(days=6)
            )
        meeting_schedule(
            actor=organiser.user,
            relationship=relationship,
            starts_at=_when(organiser, -rng.randint(3, 10), hour=rng.choice([10, 11, 14])),
            duration=timedelta(minutes=45),
        )
        PrivateNote.objects.create(
            relationship=relationship,
            author=people[-1],
            text="Remember to ask how the stakeholder meeting went — they were nervous about it.",
            created_at=timezone.now() - timedelta(days=4),
        )
    for relationship in relationships:
        refresh_health(relationship)

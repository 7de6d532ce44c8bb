"""Demo matching history: a pilot program published three weeks ago (most pairs accepted, a few
still answering, one declined, one asking to be re-paired), a coffee rotation three rounds in,
and the mentoring program's run waiting for the coordinator's review."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from tandem.accounts.models import User
from tandem.demo.programs import _backdate, _enrol, _open, _program
from tandem.demo.relationships import seed_relationships
from tandem.matches.models import MatchRun
from tandem.matches.services.publish import run_publish
from tandem.matches.services.rotations import rotation_round
from tandem.matches.services.runs import run_create
from tandem.matches.solving import run_execute
from tandem.people.models import Person, PersonStatus
from tandem.programs.models import Enrolment, Program, ProgramKind, ProgramStatus
from tandem.programs.services.stages import program_transition
from tandem.relationships.models import Membership, Relationship, RelationshipStatus
from tandem.relationships.services.answers import (
    answer_deadlines,
    membership_accept,
    membership_decline,
    repair_request,
)


def _run(coordinator: User, program: Program, **kwargs: object) -> MatchRun:
    run = run_create(actor=coordinator, program=program, **kwargs)  # type: ignore[arg-type]
    run_execute(run.pk)
    run.refresh_from_db()
    return run


def seed_matching(
    *, coordinator_email: str, participant_email: str, programs_: list[Program], seed: int = 5
) -> None:
    rng = random.Random(seed)
    coordinator = User.objects.get(email=coordinator_email)
    participant = Person.objects.get(user__email=participant_email)
    now = timezone.now()
    today = timezone.localdate()

    # 1. The mentoring program: a run ready for review.
    mentoring = next(p for p in programs_ if p.kind == ProgramKind.MENTOR_MENTEE)
    _run(coordinator, mentoring, label="First run")

    # 2. A pilot published three weeks ago.
    pilot = _program(
        coordinator,
        name="Peer Mentoring Pilot",
        kind=ProgramKind.PEER_PAIRS,
        cohort="Autumn 2026",
        description="Our first peer mentoring cohort: pairs across teams, two hats each, "
        "six months.",
        objectives="Learn what makes peer mentoring work here before rolling it out.",
        reminder_days=[7],
        inactivity_alert_days=3,  # a pilot: the coordinator wants to hear early
    )
    _open(pilot, coordinator, opened=today - timedelta(days=45), closes=today - timedelta(days=24))
    pool = list(
        Person.objects.filter(status=PersonStatus.ACTIVE)
        .exclude(pk=participant.pk)
        .select_related("user")
        .prefetch_related("skills", "learning")
        .order_by("?")[:61]
    )
    enrolments = _enrol(pilot, [participant, *pool], rng)
    _backdate(pilot, enrolments, today - timedelta(days=45), today - timedelta(days=24), rng, 0.0)
    pilot = program_transition(
        actor=coordinator,
        program=pilot,
        to=ProgramStatus.MATCHING,
        confirmation=pilot.name,
    )
    run = _run(coordinator, pilot, label="Pilot matching")
    relationships = run_publish(actor=coordinator, run=run)
    published = now - timedelta(days=21)
    MatchRun.objects.filter(pk=run.pk).update(
        created_at=published - timedelta(hours=2), published_at=published
    )
    Relationship.objects.filter(pk__in=[r.pk for r in relationships]).update(created_at=published)
    Enrolment.objects.filter(program=pilot, first_matched_at__isnull=False).update(
        first_matched_at=published
    )
    mine = Relationship.objects.get(program=pilot, members__person=participant)
    others = [r for r in relationships if r.pk != mine.pk]
    rng.shuffle(others)
    waiting, declined, repair = others[:3], others[3:4], others[4:5]
    for relationship in [mine, *others]:
        if relationship in waiting:
            first = relationship.members.first()
            assert first is not None
            membership_accept(actor=first.person.user, membership=first)
            continue
        if relationship in declined:
            last = relationship.members.select_related("person__user").last()
            assert last is not None
            membership_decline(
                actor=last.person.user,
                membership=last,
                reason="We work on the same project every day; I would "
                "rather learn from someone new.",
            )
            continue
        for membership in relationship.members.select_related("person__user"):
            membership_accept(actor=membership.person.user, membership=membership)
        accepted = published + timedelta(days=rng.randint(0, 3), hours=rng.randint(1, 9))
        Membership.objects.filter(relationship=relationship).update(accepted_at=accepted)
        Relationship.objects.filter(pk=relationship.pk).update(activated_at=accepted)
    for relationship in repair:
        member = relationship.members.select_related("person__user").first()
        assert member is not None
        repair_request(
            actor=member.person.user,
            relationship=relationship,
            reason="Our schedules never overlap; we have cancelled three times.",
        )
    # people who have not answered by now have been reminded
    answer_deadlines(today=today)
    seed_relationships(pilot=pilot, participant_email=participant_email)

    # 3. The coffee rotation, three rounds in.
    coffee = next(p for p in programs_ if p.kind == ProgramKind.COFFEE_ROTATION)
    coffee = program_transition(
        actor=coordinator,
        program=coffee,
        to=ProgramStatus.MATCHING,
        confirmation=coffee.name,
    )
    Program.objects.filter(pk=coffee.pk).update(status=ProgramStatus.ACTIVE)
    coffee.refresh_from_db()
    for weeks_ago in (4, 2, 0):
        started = now - timedelta(weeks=weeks_ago)
        MatchRun.objects.filter(program=coffee).update(created_at=started - timedelta(days=14))
        round_run = rotation_round(program=coffee, now=started)
        if round_run is not None:
            MatchRun.objects.filter(pk=round_run.pk).update(
                created_at=started, published_at=started
            )
            Relationship.objects.filter(run=round_run).update(
                created_at=started, activated_at=started
            )
            Enrolment.objects.filter(
                program=coffee, first_matched_at__gte=started + timedelta(minutes=5)
            ).update(first_matched_at=started)
            Relationship.objects.filter(
                program=coffee,
                status=RelationshipStatus.ENDED,
                ended_at__gte=now - timedelta(minutes=5),
            ).update(ended_at=started)

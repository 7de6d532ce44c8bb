"""Programs that match themselves: coffee-rotation rounds on their cadence, and buddies for new
hires as they arrive."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction

from tandem.matches.models import (
    MatchRun,
    RunPurpose,
    RunStatus,
)
from tandem.matches.selectors import ROUND_EVERY, pool, rotation_due
from tandem.matches.services.common import rules_snapshot
from tandem.matches.services.criteria import current_criteria
from tandem.matches.services.publish import run_publish
from tandem.matches.services.standings import plan_round, record_round, snooze_buttons
from tandem.matches.signals import rotation_round_starting
from tandem.matches.solving import run_execute
from tandem.programs.models import (
    EnrolmentRole,
    Program,
    ProgramKind,
    ProgramStatus,
)
from tandem.programs.services.enrolment import enrol_new_hires
from tandem.relationships.models import Relationship, RelationshipStatus
from tandem.relationships.services.checkins import ask_did_you_meet
from tandem.relationships.services.lifecycle import end_round_relationships
from tandem.relationships.slots import next_delivery_time


def rotation_round(*, program: Program, now: datetime) -> MatchRun | None:
    """Start the next coffee-rotation round: end the last round's pairs, match, publish, tell
    everyone — including who could not be paired this time."""
    if program.kind != ProgramKind.COFFEE_ROTATION or program.status != ProgramStatus.ACTIVE:
        return None
    if not rotation_due(program, now):
        return None
    answers = rotation_round_starting.send(sender=Program, program=program, now=now)
    if any(answer is False for _, answer in answers):
        return None
    with transaction.atomic():
        end_round_relationships(program=program)
        last_round = (
            program.runs.filter(purpose=RunPurpose.ROTATION)
            .exclude(round=None)
            .order_by("-round")
            .values_list("round", flat=True)
            .first()
            or 0
        )
        people = [e.person_id for e in pool(program)]
        plan = plan_round(program=program, person_ids=people, seed=last_round + 1, today=now.date())
        run = MatchRun.objects.create(
            program=program,
            criteria=current_criteria(program),
            purpose=RunPurpose.ROTATION,
            round=last_round + 1,
            label=f"Round {last_round + 1}",
            seed=last_round + 1,
            participants=len(people) - len(plan.excluded),
            rules={
                **rules_snapshot(program),
                "snoozed": [str(p) for p in plan.snoozed],
                "sitting_out": [str(p) for p in plan.sitting_out],
            },
            created_at=now,
        )
    run_execute(run.pk)
    run.refresh_from_db()
    if run.status == RunStatus.DONE:
        run_publish(actor=None, run=run)
        run.refresh_from_db()
        record_round(run)
    return run


def pair_new_hires(*, program: Program, today: date) -> MatchRun | None:
    if program.kind != ProgramKind.ONBOARDING_BUDDY or program.status != ProgramStatus.ACTIVE:
        return None
    enrol_new_hires(program=program, today=today)
    waiting = [e for e in pool(program) if e.role == EnrolmentRole.NEW_HIRE]
    if not waiting or not any(e.role == EnrolmentRole.BUDDY for e in pool(program)):
        return None
    with transaction.atomic():
        run = MatchRun.objects.create(
            program=program,
            criteria=current_criteria(program),
            purpose=RunPurpose.BUDDIES,
            label=f"New hires {today:%d %b}",
            participants=len(pool(program)),
            rules=rules_snapshot(program),
        )
    run_execute(run.pk)
    run.refresh_from_db()
    if run.status == RunStatus.DONE and run.proposals.exists():
        run_publish(actor=None, run=run)
        run.refresh_from_db()
    return run


ASK_BEFORE_ROUND_ENDS = timedelta(days=2)


def round_checkins(*, now: datetime) -> int:
    """Near the end of a rotation round, ask each pair that has not reported a meeting "did you
    meet?" (with snooze buttons), at a sensible local time for each reader."""
    asked = 0
    relationships = (
        Relationship.objects.filter(
            program__kind=ProgramKind.COFFEE_ROTATION,
            program__status=ProgramStatus.ACTIVE,
            status=RelationshipStatus.ACTIVE,
            round__isnull=False,
            meetings_held=0,
        )
        .select_related("program", "run")
        .order_by("pk")
    )
    for relationship in relationships:
        started = relationship.run.created_at if relationship.run else relationship.created_at
        ends = started + ROUND_EVERY[relationship.program.cadence]
        if not ends - ASK_BEFORE_ROUND_ENDS <= now < ends:
            continue
        with transaction.atomic():
            for membership in relationship.members.select_related("person__user", "relationship"):
                asked += ask_did_you_meet(
                    membership=membership,
                    key=f"round:{relationship.pk}",
                    now=now,
                    extra_buttons=snooze_buttons(relationship.program),
                    send_after=next_delivery_time(now, membership.person.timezone),
                )
    return asked

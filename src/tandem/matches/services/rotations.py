"""Programs that match themselves: coffee-rotation rounds on their cadence, and buddies for new
hires as they arrive."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction

from tandem.matches.models import (
    MatchRun,
    RunPurpose,
    RunStatus,
)
from tandem.matches.selectors import pool, rotation_due
from tandem.matches.services.common import rules_snapshot
from tandem.matches.services.criteria import current_criteria
from tandem.matches.services.publish import run_publish
from tandem.matches.signals import rotation_round_starting
from tandem.matches.solving import run_execute
from tandem.programs.models import (
    EnrolmentRole,
    Program,
    ProgramKind,
    ProgramStatus,
)
from tandem.programs.services.enrolment import enrol_new_hires
from tandem.relationships.services.lifecycle import end_round_relationships


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
        run = MatchRun.objects.create(
            program=program,
            criteria=current_criteria(program),
            purpose=RunPurpose.ROTATION,
            round=last_round + 1,
            label=f"Round {last_round + 1}",
            seed=last_round + 1,
            participants=len(pool(program)),
            rules=rules_snapshot(program),
            created_at=now,
        )
    run_execute(run.pk)
    run.refresh_from_db()
    if run.status == RunStatus.DONE:
        run_publish(actor=None, run=run)
        run.refresh_from_db()
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

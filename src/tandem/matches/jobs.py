from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from tandem.core.periodic import periodic_job
from tandem.matches.models import MatchRun, RunStatus
from tandem.matches.services.rotations import pair_new_hires, rotation_round, round_checkins
from tandem.matches.solving import STALE_RUN
from tandem.matches.tasks import execute_match_run
from tandem.programs.models import Program, ProgramKind, ProgramStatus


@periodic_job(every=timedelta(minutes=15), name="matches.rotation_rounds")
def rotation_rounds(now: datetime) -> str:
    """Start the next round of every coffee rotation whose cadence says it is due."""
    started = 0
    for program in Program.objects.filter(
        kind=ProgramKind.COFFEE_ROTATION, status=ProgramStatus.ACTIVE
    ):
        if rotation_round(program=program, now=now) is not None:
            started += 1
    return f"{started} rounds started"


@periodic_job(every=timedelta(hours=6), name="matches.new_hire_buddies")
def new_hire_buddies(now: datetime) -> str:
    """Give new hires (from the HR import) a buddy in every active onboarding program."""
    runs = 0
    for program in Program.objects.filter(
        kind=ProgramKind.ONBOARDING_BUDDY, status=ProgramStatus.ACTIVE
    ):
        if pair_new_hires(program=program, today=timezone.localdate(now)) is not None:
            runs += 1
    return f"{runs} buddy runs"


@periodic_job(every=timedelta(minutes=5), name="matches.retry_stalled_runs")
def retry_stalled_runs(now: datetime) -> str:
    """A run whose worker died is picked up again (its partial work was never visible)."""
    stale = MatchRun.objects.filter(status=RunStatus.RUNNING, heartbeat_at__lt=now - STALE_RUN)
    for run_id in stale.values_list("pk", flat=True):
        execute_match_run.enqueue(run_id)
    return f"{len(stale)} runs queued again"


@periodic_job(every=timedelta(hours=1), name="matches.round_checkins")
def rotation_round_checkins(now: datetime) -> str:
    """Ask rotation pairs "did you meet?" as their round nears its end."""
    return f"{round_checkins(now=now)} asked"

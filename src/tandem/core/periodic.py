"""Periodic jobs: registered with ``@periodic_job``, run by ``tandem runperiodic`` from cron/timer.

Each job must be safe to run twice (it claims due rows with a conditional update, or its effect is
idempotent), because a timer can overlap a manual run. One failing job never stops the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from tandem.core.models import PeriodicJobState

logger = logging.getLogger(__name__)

JobFunction = Callable[[datetime], object]


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: timedelta
    function: JobFunction
    description: str


_REGISTRY: dict[str, PeriodicJob] = {}


def periodic_job(
    *, every: timedelta, name: str | None = None
) -> Callable[[JobFunction], JobFunction]:
    def register(function: JobFunction) -> JobFunction:
        job_name = name or f"{function.__module__.rsplit('.', 2)[-2]}.{function.__name__}"
        doc = (function.__doc__ or "").strip().splitlines()
        _REGISTRY[job_name] = PeriodicJob(job_name, every, function, doc[0] if doc else "")
        return function

    return register


def registered_jobs() -> list[PeriodicJob]:
    return sorted(_REGISTRY.values(), key=lambda job: job.name)


def autodiscover() -> None:
    autodiscover_modules("jobs")


@dataclass
class JobOutcome:
    name: str
    ran: bool
    ok: bool = True
    result: object = None
    error: str = ""


def run_due_jobs(
    *, now: datetime | None = None, force: bool = False, only: list[str] | None = None
) -> list[JobOutcome]:
    now = now or timezone.now()
    outcomes = []
    for job in registered_jobs():
        if only and job.name not in only:
            continue
        state, _ = PeriodicJobState.objects.get_or_create(name=job.name)
        due = force or state.last_started_at is None or state.last_started_at + job.every <= now
        if not due:
            outcomes.append(JobOutcome(job.name, ran=False))
            continue
        claimed = PeriodicJobState.objects.filter(
            pk=state.pk, last_started_at=state.last_started_at
        ).update(last_started_at=now)
        if not claimed:  # another runner started it a moment ago
            outcomes.append(JobOutcome(job.name, ran=False))
            continue
        outcomes.append(_run_one(job, state.pk, now))
    return outcomes


def _run_one(job: PeriodicJob, state_pk: int, now: datetime) -> JobOutcome:
    try:
        result = job.function(now)  # each job manages its own transactions
    except Exception as exc:
        logger.exception("periodic job %s failed", job.name)
        outcome = JobOutcome(job.name, ran=True, ok=False, error=f"{type(exc).__name__}: {exc}")
    else:
        outcome = JobOutcome(job.name, ran=True, ok=True, result=result)
    PeriodicJobState.objects.filter(pk=state_pk).update(
        last_finished_at=timezone.now(),
        last_ok=outcome.ok,
        last_error=outcome.error,
        runs=F("runs") + 1,
    )
    return outcome

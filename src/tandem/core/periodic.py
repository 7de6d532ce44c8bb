"""Periodic jobs: registered with ``@periodic_job``, run by ``tandem runperiodic`` from cron/timer.

Each job must be safe to run twice (it claims due rows with a conditional update, or its effect is
idempotent), because a timer can overlap a manual run. One failing job never stops the others.

A run is claimed with a conditional UPDATE, so of several runners (two timers, several machines)
one runs each due time. While it runs, a thread refreshes its heartbeat; if the process dies
(SIGKILL, power loss), the heartbeat stops and, once it is older than
``TANDEM_PERIODIC_LEASE_SECONDS``, the next runner takes the run over *for the same due time*
(the job gets the same ``now``) instead of waiting for the next one. A live run is never taken
over, so no due time runs twice at once.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connections
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


def _lease() -> timedelta:
    return timedelta(seconds=getattr(settings, "TANDEM_PERIODIC_LEASE_SECONDS", 600))


def _abandoned(state: PeriodicJobState, now: datetime) -> bool:
    """Claimed by a runner whose heartbeat stopped."""
    return bool(state.claimed_by) and (
        state.heartbeat_at is None or state.heartbeat_at < now - _lease()
    )


def run_due_jobs(
    *, now: datetime | None = None, force: bool = False, only: list[str] | None = None
) -> list[JobOutcome]:
    now = now or timezone.now()
    runner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:100]
    outcomes = []
    for job in registered_jobs():
        if only and job.name not in only:
            continue
        state, _ = PeriodicJobState.objects.get_or_create(name=job.name)
        current = PeriodicJobState.objects.filter(
            pk=state.pk, claimed_by=state.claimed_by, heartbeat_at=state.heartbeat_at
        )
        if _abandoned(state, now) and state.last_started_at is not None:
            # the runner died mid-run: take the same due time over
            if current.update(claimed_by=runner, heartbeat_at=now, takeovers=F("takeovers") + 1):
                logger.warning("periodic job %s: taking over an abandoned run", job.name)
                outcomes.append(_run_one(job, state.pk, state.last_started_at, runner))
            else:
                outcomes.append(JobOutcome(job.name, ran=False))
            continue
        if state.claimed_by:  # under way in another runner
            outcomes.append(JobOutcome(job.name, ran=False))
            continue
        due = force or state.last_started_at is None or state.last_started_at + job.every <= now
        if not due:
            outcomes.append(JobOutcome(job.name, ran=False))
            continue
        claimed = current.filter(last_started_at=state.last_started_at).update(
            last_started_at=now, claimed_by=runner, heartbeat_at=now
        )
        if not claimed:  # another runner started it a moment ago
            outcomes.append(JobOutcome(job.name, ran=False))
            continue
        outcomes.append(_run_one(job, state.pk, now, runner))
    return outcomes


class _Heartbeat(threading.Thread):
    """Refreshes a claimed run's heartbeat until the run ends (on its own connection)."""

    def __init__(self, state_pk: int, runner: str) -> None:
        super().__init__(name=f"periodic-heartbeat-{state_pk}", daemon=True)
        self.state_pk, self.runner = state_pk, runner
        self.done = threading.Event()

    def run(self) -> None:
        every = _lease().total_seconds() / 4
        try:
            while not self.done.wait(every):
                try:
                    PeriodicJobState.objects.filter(
                        pk=self.state_pk, claimed_by=self.runner
                    ).update(heartbeat_at=timezone.now())
                except DatabaseError:  # busy database: the next beat tries again
                    logger.warning("periodic heartbeat for %s failed", self.state_pk)
        finally:
            connections.close_all()


def _run_one(job: PeriodicJob, state_pk: int, now: datetime, runner: str) -> JobOutcome:
    heartbeat = _Heartbeat(state_pk, runner)
    heartbeat.start()
    try:
        result = job.function(now)  # each job manages its own transactions
    except Exception as exc:
        logger.exception("periodic job %s failed", job.name)
        outcome = JobOutcome(job.name, ran=True, ok=False, error=f"{type(exc).__name__}: {exc}")
    else:
        outcome = JobOutcome(job.name, ran=True, ok=True, result=result)
    finally:
        heartbeat.done.set()
        heartbeat.join()
    PeriodicJobState.objects.filter(pk=state_pk, claimed_by=runner).update(
        claimed_by="",
        last_finished_at=timezone.now(),
        last_ok=outcome.ok,
        last_error=outcome.error,
        runs=F("runs") + 1,
    )
    return outcome

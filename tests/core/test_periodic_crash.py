"""Crash drill (issue 18): a periodic job whose runner is SIGKILLed mid-run is taken over by the
next runner for the same due time once its heartbeat is stale — never while it is alive, and
never run again once it finished. Real ``runperiodic`` child processes on the suite's database
(SQLite or PostgreSQL, whichever this run uses)."""

from __future__ import annotations

import random
import time

import pytest

from tandem.core.models import PeriodicJobState
from tests.drills import child_env, finish, kill, start, wait_for

LEASE = 2  # seconds; the heartbeat beats every LEASE / 4
KILLS = 2


def _lines(log) -> list[list[str]]:
    return [line.split() for line in log.read_text().splitlines()] if log.exists() else []


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_periodic_job_killed_mid_run_is_taken_over_for_the_same_due_time(tmp_path):
    log = tmp_path / "drill.log"
    env = child_env(DRILL_LOG=str(log), PERIODIC_LEASE_SECONDS=str(LEASE), DRILL_STEPS="20")
    script = ["tests/core/periodic_drill.py"]
    rng = random.Random(18)

    for kills in range(1, KILLS + 1):
        runner = start(script, env | {"DRILL_STEPS": "400"})  # would take 20 s
        try:
            wait_for(lambda k=kills: len(_lines(log)) == k, timeout=30)  # the job has started
            # a second runner leaves the run alone while its runner is alive
            assert "drill.slow: not due" in finish(start(script, env))
            time.sleep(rng.uniform(0.0, 1.0))
        finally:
            kill(runner)
        assert [kind for kind, *_ in _lines(log)] == ["start"] * kills  # it never finished
        time.sleep(LEASE + 0.3)  # the dead runner's heartbeat goes stale

    assert "drill.slow: ok (done)" in finish(start(script, env))
    assert "drill.slow: not due" in finish(start(script, env))  # done: not run again

    lines = _lines(log)
    assert [kind for kind, *_ in lines] == ["start"] * (KILLS + 1) + ["finish"]
    assert len({due for _, due, _ in lines}) == 1  # every run was for the same due time
    state = PeriodicJobState.objects.get(name="drill.slow")
    assert state.takeovers == KILLS and state.runs == 1 and state.claimed_by == ""

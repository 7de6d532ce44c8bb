from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tandem.core import periodic
from tandem.core.models import PeriodicJobState

calls: list[str] = []


@pytest.fixture
def jobs(monkeypatch):
    registry: dict = {}
    monkeypatch.setattr(periodic, "_REGISTRY", registry)
    calls.clear()

    @periodic.periodic_job(every=timedelta(minutes=10), name="test.counting")
    def counting(now):
        calls.append("counting")
        return "counted"

    @periodic.periodic_job(every=timedelta(minutes=10), name="test.broken")
    def broken(now):
        raise ValueError("boom")

    return registry


def test_due_jobs_run_once_per_interval(db, jobs):
    now = timezone.now()
    first = {o.name: o for o in periodic.run_due_jobs(now=now)}
    assert first["test.counting"].ran and first["test.counting"].result == "counted"
    again = {o.name: o for o in periodic.run_due_jobs(now=now + timedelta(minutes=1))}
    assert not again["test.counting"].ran  # running twice in a row is safe: nothing happens
    later = {o.name: o for o in periodic.run_due_jobs(now=now + timedelta(minutes=11))}
    assert later["test.counting"].ran
    assert calls == ["counting", "counting"]


def test_a_failing_job_does_not_stop_the_others(db, jobs):
    outcomes = {o.name: o for o in periodic.run_due_jobs()}
    assert outcomes["test.counting"].ok
    assert not outcomes["test.broken"].ok and outcomes["test.broken"].error == "ValueError: boom"
    state = PeriodicJobState.objects.get(name="test.broken")
    assert not state.last_ok and state.runs == 1


def test_runperiodic_command_reports_and_exits_non_zero_on_failure(db, jobs, capsys):
    with pytest.raises(CommandError, match="1 periodic job"):
        call_command("runperiodic")
    out = capsys.readouterr().out
    assert "test.counting: ok (counted)" in out and "test.broken: FAILED: ValueError: boom" in out
    call_command("runperiodic", job=["test.counting"], force=True)
    with pytest.raises(CommandError, match="unknown job"):
        call_command("runperiodic", job=["nope"])


def test_registered_jobs_of_the_product(db):
    names = {job.name for job in periodic.registered_jobs()}
    assert {"notify.deliver_outbox", "accounts.clean_up"} <= names


def test_a_run_whose_heartbeat_stopped_is_taken_over_for_its_due_time(db, jobs, settings):
    settings.TANDEM_PERIODIC_LEASE_SECONDS = 60
    due = timezone.now() - timedelta(minutes=5)
    PeriodicJobState.objects.create(
        name="test.counting", last_started_at=due, claimed_by="dead:1", heartbeat_at=due
    )
    seen = []
    periodic._REGISTRY["test.counting"] = periodic.PeriodicJob(
        "test.counting", timedelta(minutes=10), lambda now: seen.append(now), ""
    )
    outcomes = {o.name: o for o in periodic.run_due_jobs(only=["test.counting"])}
    assert outcomes["test.counting"].ran and seen == [due]  # the same due time, not a new one
    state = PeriodicJobState.objects.get(name="test.counting")
    assert state.takeovers == 1 and state.runs == 1 and state.claimed_by == ""
    assert state.last_started_at == due


def test_a_live_run_is_left_alone(db, jobs):
    started = timezone.now() - timedelta(hours=1)
    PeriodicJobState.objects.create(
        name="test.counting",
        last_started_at=started,
        claimed_by="alive:1",
        heartbeat_at=timezone.now(),
    )
    outcomes = {o.name: o for o in periodic.run_due_jobs(only=["test.counting"])}
    assert not outcomes["test.counting"].ran and calls == []

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

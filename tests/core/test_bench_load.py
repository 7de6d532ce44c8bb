"""The load benchmark's arithmetic (issue 19): steady-state percentiles per page and role, sign-ins
apart, and the knee — the first step whose p95 is at least twice the first step's."""

from __future__ import annotations

from benchmarks import bench_load
from benchmarks.bench_load import summarise, verdict


def test_only_the_steady_window_counts_and_sign_ins_are_reported_apart():
    samples = [
        [1.0, "participant sign-in", 900.0, ""],
        [2.0, "participant /", 5000.0, ""],  # before everyone had signed in
        *[[10.0 + n, "participant /", float(n), ""] for n in range(1, 101)],
        [20.0, "coordinator /programs/{id}/", 300.0, "HTTPError('500 Server Error')"],
        [500.0, "participant /", 9999.0, ""],  # after the window
    ]
    result = summarise(samples, start=10.0, end=110.0)
    assert result["roles"]["participant"]["requests"] == 100
    assert result["roles"]["participant"]["p50_ms"] == 51.0
    assert result["roles"]["participant"]["p95_ms"] == 96.0
    assert result["roles"]["coordinator"] == {
        "requests": 1,
        "p50_ms": 300.0,
        "p95_ms": 300.0,
        "p99_ms": 300.0,
        "errors": 1,
    }
    assert result["sign_ins"]["requests"] == 1
    assert result["requests_per_second"] == 1.0
    assert result["error_messages"] == {
        "coordinator /programs/{id}/: HTTPError('500 Server Error')": 1
    }


def _step(users, p95, participant=100.0, coordinator=300.0):
    return {
        "users": users,
        "all": {"p95_ms": p95},
        "roles": {"participant": {"p95_ms": participant}, "coordinator": {"p95_ms": coordinator}},
    }


def test_the_knee_is_where_p95_doubles_and_the_goals_are_read_at_50():
    steps = [_step(10, 100), _step(25, 150), _step(50, 210, 140, 450), _step(100, 900)]
    out = verdict(steps)
    assert out["knee_users"] == 50
    assert out["goals_at_50"]["participant"]["met"] is True
    assert out["goals_at_50"]["coordinator"]["met"] is False
    assert verdict([_step(10, 100), _step(25, 150)])["knee_users"] is None


def test_a_process_that_exits_keeps_the_cpu_it_used(monkeypatch):
    """A PostgreSQL backend closing between two snapshots once made the database's share
    negative (-0.09 cores); what an exited process used stays counted."""
    readings = iter(
        [
            {"gunicorn": {10: 5.0}, "postgres": {20: 3.0, 21: 1.0}, "locust": {}},
            {"gunicorn": {10: 6.0}, "postgres": {20: 3.5}, "locust": {}},
        ]
    )
    monkeypatch.setattr(bench_load, "cpu_seconds", lambda *_: next(readings))
    sampler = bench_load.Sampler.__new__(bench_load.Sampler)
    sampler.gunicorn, sampler.locust, sampler.database = 1, None, "db"
    sampler.cpu, sampler._seen = [], {}
    sampler.snapshot()
    sampler.snapshot()
    (_, first), (_, second) = sampler.cpu
    assert second["postgres"] - first["postgres"] == 0.5
    assert second["gunicorn"] - first["gunicorn"] == 1.0

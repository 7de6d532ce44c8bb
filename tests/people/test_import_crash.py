"""Crash drill (issue 18): an HR import killed with SIGKILL at random points writes all or
nothing, and the next run completes — on SQLite and on PostgreSQL. The real ``tandem
import-people`` runs in a child process on a database of its own."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import uuid

import pytest
from benchmarks.bench_import import people_csv

from tests.core.test_backup import (
    PG,
    ROOT,
    TANDEM,
    _env,
    _pg_ready,
    _psql,
    _run,
    _suite_engine,
)

ROWS = int(os.environ.get("CRASH_ROWS", "3000"))
KILLS = int(os.environ.get("CRASH_KILLS", "3"))
COUNT = (
    "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'tandem.settings');"
    "django.setup(); from tandem.people.models import Person, ImportBatch;"
    "print(Person.objects.count(), ImportBatch.objects.count())"
)


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_an_import_killed_at_random_points_writes_all_or_nothing(tmp_path, engine):
    if engine != _suite_engine():
        pytest.skip(f"CI runs the suite once per database; this run is on {_suite_engine()}")
    if engine == "postgres" and not _pg_ready():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    name = f"tandem_crash_{uuid.uuid4().hex[:8]}"
    if engine == "postgres":
        _psql(f"CREATE DATABASE {name}")
    env = _env(tmp_path / "data", f"{PG}/{name}" if engine == "postgres" else None)
    try:
        _run([str(TANDEM), "migrate", "-v", "0"], env)
        csv = tmp_path / "people.csv"
        csv.write_bytes(people_csv(ROWS, seed=7))
        command = [str(TANDEM), "import-people", str(csv)]
        started = time.monotonic()
        _run([str(TANDEM), "import-people", "--dry-run", str(csv)], env)
        budget = time.monotonic() - started  # about how long reading and checking takes
        rng = random.Random(18)
        for _ in range(KILLS):
            child = subprocess.Popen(
                command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            time.sleep(rng.uniform(0.2, 1.3) * budget)
            os.kill(child.pid, signal.SIGKILL)
            child.wait()
            people, batches = map(int, _run([sys.executable, "-c", COUNT], env).split())
            assert (people, batches) in ((0, 0), (ROWS, 1)), f"partial import: {people} rows"
            if people:
                break  # it finished before the kill: nothing left to interrupt
        _run(command, env)
        people, _ = map(int, _run([sys.executable, "-c", COUNT], env).split())
        assert people == ROWS
    finally:
        if engine == "postgres":
            _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

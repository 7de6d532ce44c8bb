"""The ``tandem`` command as a person runs it: exit codes and readable messages, no tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Every test starts the command in a fresh Python process.
pytestmark = pytest.mark.slow

TANDEM = [sys.executable, "-m", "tandem.cli"]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """A fresh installation: its own data directory and SQLite database, migrated."""
    path = tmp_path_factory.mktemp("install")
    env = {**os.environ, "TANDEM_DATA_DIR": str(path)}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [*TANDEM, "migrate", "-v", "0"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return path, env


def run(env, *args):
    return subprocess.run([*TANDEM, *args], env=env, capture_output=True, text=True, timeout=120)


def test_import_people_success_and_dry_run(workdir):
    path, env = workdir
    csv = path / "people.csv"
    csv.write_text(
        "Work Email;Name;Manager Email\nann@acme.test;Ann;\nbob@acme.test;Bob;ann@acme.test\n"
    )
    dry = run(env, "import-people", str(csv), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.strip() == (
        "people.csv: would import 2 people — 2 new, 0 updated, 0 unchanged, 0 marked as left"
    )
    real = run(env, "import-people", str(csv))
    assert real.returncode == 0
    assert real.stdout.startswith("people.csv: imported 2 people — 2 new")
    again = run(env, "import-people", str(csv))
    assert "0 new, 0 updated, 2 unchanged" in again.stdout


def test_import_people_errors_exit_2_with_rows_and_no_traceback(workdir):
    path, env = workdir
    csv = path / "bad.csv"
    csv.write_text("Email,Name,Time Zone\nx@acme.test,X,Moon/Base\nnot-an-email,Y,UTC\n")
    result = run(env, "import-people", str(csv))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(
        "Row 2, column “Time Zone” (value “Moon/Base”): is not a known time zone"
    )
    assert lines[1] == "Row 3, column “Email” (value “not-an-email”): is not a valid email address"
    assert (
        lines[-1]
        == "CommandError: bad.csv: Nothing was imported: the file has 2 problems to fix first."
    )


def test_missing_file_and_bad_arguments(workdir):
    _, env = workdir
    missing = run(env, "import-people", "/nonexistent/people.csv")
    assert missing.returncode == 2 and "no such file" in missing.stderr
    assert "Traceback" not in missing.stderr
    mapping = run(env, "import-people", "/nonexistent/people.csv", "--map", "mail")
    assert mapping.returncode == 2
    unknown = run(env, "frobnicate")
    assert unknown.returncode == 1 and "Unknown command: 'frobnicate'" in unknown.stderr


def test_configuration_errors_are_readable(workdir):
    _, env = workdir
    result = run({**env, "DEBUG": "maybe"}, "check")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "configuration problem: DEBUG='maybe' is not a boolean" in result.stderr


def test_unreachable_database_is_readable(workdir):
    _, env = workdir
    result = run({**env, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}, "migrate")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "database problem" in result.stderr


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = {
        **os.environ,
        "TANDEM_DATA_DIR": str(tmp_path),
        "SITE_URL": "https://mentoring.example.com",
        "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-value-!",
        "DEBUG": "0",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests; never in production
    result = run(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout


def test_secret_key_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("k" * 60)
    env = {**os.environ, "TANDEM_DATA_DIR": str(tmp_path), "SECRET_KEY_FILE": str(secret)}
    env.pop("SECRET_KEY", None)
    result = run(env, "shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)")
    assert result.stdout.strip().endswith("k" * 60)
    assert not (Path(tmp_path) / "secret_key").exists()


def test_runperiodic_and_worker_batch_run(workdir):
    _, env = workdir
    periodic = run(env, "runperiodic")
    assert periodic.returncode == 0, periodic.stderr
    assert "notify.deliver_outbox: ok" in periodic.stdout
    worker = run(env, "worker", "--batch")
    assert worker.returncode == 0 and "stopped" in worker.stdout

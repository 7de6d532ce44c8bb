"""``tandem backup`` then ``tandem restore`` into an empty database on a fresh data directory:
every row is back, and the tokens and links that depend on the secret key still work
(issue 18). Runs the real commands in child processes, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TANDEM = Path(sys.executable).with_name("tandem")
PG = "postgres://postgres@127.0.0.1:5432"


def _pg_ready() -> bool:
    pg_isready = shutil.which("pg_isready")
    return (
        bool(pg_isready)
        and subprocess.run(
            [pg_isready, "-h", "127.0.0.1", "-p", "5432", "-q"], check=False
        ).returncode
        == 0
    )


def _suite_engine() -> str:
    """The database this run of the suite is on (the drill runs on the same engine)."""
    return "postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"


def _env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env |= {"TANDEM_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _run(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(args, env=env, capture_output=True, text=True, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return result.stdout


def _psql(sql: str) -> None:
    psql = shutil.which("psql")
    assert psql
    subprocess.run([psql, f"{PG}/postgres", "-qc", sql], check=True, capture_output=True)


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_backup_restores_into_an_empty_database_with_every_row_and_token(tmp_path, engine):
    if engine != _suite_engine():
        pytest.skip(f"CI runs the suite once per database; this run is on {_suite_engine()}")
    if engine == "postgres" and not _pg_ready():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    urls: list[str | None] = [None, None]
    names = [f"tandem_bk_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    if engine == "postgres":
        for name in names:
            _psql(f"CREATE DATABASE {name}")
        urls = [f"{PG}/{name}" for name in names]
    try:
        source = _env(tmp_path / "source", urls[0])
        figures, archive = tmp_path / "figures.json", tmp_path / "backup.tar.gz"
        _run([sys.executable, "tests/core/backup_script.py", "seed", str(figures)], source)
        assert "Backed up" in _run([str(TANDEM), "backup", str(archive)], source)

        fresh = _env(tmp_path / "fresh", urls[1])  # a new machine: empty database, new key
        assert "Restored" in _run([str(TANDEM), "restore", str(archive)], fresh)
        assert "restore ok" in _run(
            [sys.executable, "tests/core/backup_script.py", "check", str(figures)], fresh
        )
        refused = subprocess.run(
            [str(TANDEM), "restore", str(archive)],
            env=fresh,
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
        assert refused.returncode != 0 and "not empty" in refused.stderr
    finally:
        if engine == "postgres":
            for name in names:
                _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

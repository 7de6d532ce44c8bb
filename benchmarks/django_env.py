"""Start Django for a benchmark on a fresh database: SQLite in a temporary folder (the embedded
default) or, with ``postgres=True``, a new database on the machine's PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import tempfile
import uuid

PG_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")


def setup_django(*, postgres: bool = False) -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    os.environ["TANDEM_DATA_DIR"] = tempfile.mkdtemp(prefix="tandem-bench-")
    if postgres:
        # BENCH_DB=name keeps a seeded database between runs (before/after on the same data).
        name = os.environ.get("BENCH_DB") or f"tandem_bench_{uuid.uuid4().hex[:8]}"
        subprocess.run(
            ["psql", f"{PG_URL}/postgres", "-qc", f"CREATE DATABASE {name}"],
            check=not os.environ.get("BENCH_DB"),
            capture_output=True,
        )
        os.environ["DATABASE_URL"] = f"{PG_URL}/{name}"
    else:
        os.environ.pop("DATABASE_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    return "postgresql" if postgres else "sqlite"


def drop_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if os.environ.get("BENCH_DB"):
        return  # kept on purpose: drop it with `dropdb`
    if url.startswith("postgres"):
        from django.db import connections

        connections.close_all()
        name = url.rsplit("/", 1)[-1]
        subprocess.run(
            ["psql", f"{PG_URL}/postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"],
            check=False,
            capture_output=True,
        )

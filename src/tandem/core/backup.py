"""``tandem backup`` and ``tandem restore``: one archive with everything an installation needs.

The archive (``.tar.gz``) holds:

* ``database.sqlite3`` — SQLite's online backup API (a consistent copy while the site runs), or
  ``database.pgdump`` — ``pg_dump --format=custom`` (consistent under concurrent writes);
* ``secret_key`` — the key that signs sessions, password-reset links, calendar-feed and API token
  hashes; without it restored links and tokens stop working (only when the key comes from the
  data directory; a key from ``SECRET_KEY``/``SECRET_KEY_FILE`` must be kept with that setting);
* ``media/`` — uploaded files under ``MEDIA_ROOT``, when one is configured;
* ``manifest.json`` — the engine, the time, and the migrations applied.

``restore`` refuses a database that already has tables unless ``--force`` (SQLite: the file is
replaced; PostgreSQL: ``pg_restore --clean``), then checks that no migration is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why."""


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    args = ["-h", str(db.get("HOST") or "127.0.0.1"), "-p", str(db.get("PORT") or 5432)]
    args += ["-U", str(db.get("USER") or "postgres")]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed; install the PostgreSQL client tools.")
    return found


def _key_file() -> Path | None:
    key = Path(settings.DATA_DIR) / "secret_key"
    return key if key.exists() else None


def backup(target: Path) -> dict[str, Any]:
    """Write the archive to ``target`` (a ``.tar.gz``); return its manifest."""
    engine = _engine()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if engine == "sqlite":
            connection.ensure_connection()
            destination = sqlite3.connect(work / "database.sqlite3")
            try:
                connection.connection.backup(destination)
            finally:
                destination.close()
        else:
            args, env = _pg_env()
            name = str(settings.DATABASES["default"]["NAME"])
            result = subprocess.run(  # noqa: S603
                [
                    _tool("pg_dump"),
                    *args,
                    "--format=custom",
                    "--no-owner",
                    "-f",
                    str(work / "database.pgdump"),
                    name,
                ],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise BackupError(f"pg_dump failed: {result.stderr.strip()[:500]}")
        with connection.cursor() as cursor:
            cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
            migrations = [f"{app}.{name}" for app, name in cursor.fetchall()]
        manifest = {
            "engine": engine,
            "created_at": timezone.now().isoformat(),
            "migrations": migrations,
            "secret_key": _key_file() is not None,
            "media": bool(settings.MEDIA_ROOT) and Path(settings.MEDIA_ROOT).is_dir(),
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            for item in sorted(work.iterdir()):
                archive.add(item, arcname=item.name)
            key = _key_file()
            if key is not None:
                archive.add(key, arcname="secret_key")
            if manifest["media"]:
                archive.add(settings.MEDIA_ROOT, arcname="media")
        partial.chmod(0o600)
        partial.replace(target)  # never a half-written archive under the final name
    return manifest


def _has_tables() -> bool:
    return bool(connection.introspection.table_names())


def restore(source: Path, *, force: bool = False) -> dict[str, Any]:
    """Restore the archive at ``source`` into the configured database and data directory."""
    engine = _engine()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with tarfile.open(source, "r:gz") as archive:
            archive.extractall(work, filter="data")
        manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
        if manifest["engine"] != engine:
            raise BackupError(
                f"The archive holds a {manifest['engine']} database; this site uses {engine}."
            )
        if _has_tables() and not force:
            raise BackupError(
                "The database is not empty; restore into an empty one, or pass --force to "
                "replace everything in it."
            )
        if engine == "sqlite":
            name = Path(str(settings.DATABASES["default"]["NAME"]))
            connections.close_all()
            for suffix in ("-wal", "-shm"):
                Path(f"{name}{suffix}").unlink(missing_ok=True)
            source_db = sqlite3.connect(work / "database.sqlite3")
            destination = sqlite3.connect(name)
            try:
                source_db.backup(destination)
            finally:
                source_db.close()
                destination.close()
        else:
            args, env = _pg_env()
            database = str(settings.DATABASES["default"]["NAME"])
            connections.close_all()
            command = [_tool("pg_restore"), *args, "--no-owner", "--exit-on-error", "-d", database]
            command += ["--clean", "--if-exists"] if force else ["--single-transaction"]
            result = subprocess.run(  # noqa: S603
                [*command, str(work / "database.pgdump")],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise BackupError(f"pg_restore failed: {result.stderr.strip()[:500]}")
        if (work / "secret_key").exists():
            key = Path(settings.DATA_DIR) / "secret_key"
            key.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(work / "secret_key", key)
            key.chmod(0o600)
        if (work / "media").is_dir() and settings.MEDIA_ROOT:
            shutil.copytree(work / "media", settings.MEDIA_ROOT, dirs_exist_ok=True)
    return manifest

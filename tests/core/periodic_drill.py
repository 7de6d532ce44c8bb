"""Child process of the periodic-job crash drill: registers a slow job that logs its start and
end (with the due time it was given) to ``DRILL_LOG``, then runs ``tandem runperiodic`` for it."""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
django.setup()

from django.core.management import call_command  # noqa: E402

from tandem.core import periodic  # noqa: E402
from tandem.core.models import PeriodicJobState  # noqa: E402

LOG = Path(os.environ["DRILL_LOG"])
STEPS = int(os.environ.get("DRILL_STEPS", "30"))


def log(line: str) -> None:
    with LOG.open("a", encoding="utf-8") as f:
        f.write(line + "\n")
        f.flush()
        os.fsync(f.fileno())


@periodic.periodic_job(every=timedelta(hours=1), name="drill.slow")
def slow(now: datetime) -> str:
    """A job that takes a while and touches the database at every step."""
    log(f"start {now.isoformat()} {os.getpid()}")
    for _ in range(STEPS):
        time.sleep(0.05)
        PeriodicJobState.objects.filter(name="drill.slow").exists()
    log(f"finish {now.isoformat()} {os.getpid()}")
    return "done"


call_command("runperiodic", job=["drill.slow"])

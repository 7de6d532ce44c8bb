from __future__ import annotations

from datetime import datetime, timedelta

from tandem.core.periodic import periodic_job
from tandem.insights.digest import send_weekly_digests


@periodic_job(every=timedelta(hours=1), name="insights.coordinator_digest")
def coordinator_digest(now: datetime) -> str:
    """Monday 08:00 in each coordinator's zone: what needs them in each program, once a week."""
    return f"{send_weekly_digests(now)} digests"

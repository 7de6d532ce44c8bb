from __future__ import annotations

from datetime import datetime, timedelta

from tandem.core.periodic import periodic_job
from tandem.feedback.services.schedule import run_schedule


@periodic_job(every=timedelta(minutes=15), name="feedback.surveys")
def surveys(now: datetime) -> str:
    """Open due surveys (inviting people), remind people who have not answered, close ended ones."""
    result = run_schedule(now=now)
    return ", ".join(f"{count} {what}" for what, count in result.items())

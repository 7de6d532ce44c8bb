from __future__ import annotations

from datetime import datetime, timedelta

from tandem.core.periodic import periodic_job
from tandem.learning.services.reminders import send_training_reminders


@periodic_job(every=timedelta(hours=6), name="learning.training_reminders")
def training_reminders(now: datetime) -> str:
    """Remind people, weekly, of the trainings they must finish before they can be matched."""
    return f"{send_training_reminders(now)} training reminders"

from __future__ import annotations

from datetime import datetime, timedelta

from tandem.core.periodic import periodic_job
from tandem.people.rights import carry_out_due


@periodic_job(every=timedelta(hours=1), name="people.erasures_due")
def erasures_due(now: datetime) -> str:
    """Carry out erasure requests whose grace period is over."""
    return f"{carry_out_due(now)} erasures carried out"

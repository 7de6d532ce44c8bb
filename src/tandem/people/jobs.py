from __future__ import annotations

from datetime import datetime, timedelta

from tandem.core.periodic import periodic_job
from tandem.people.retention import apply_retention
from tandem.people.rights import carry_out_due


@periodic_job(every=timedelta(hours=1), name="people.erasures_due")
def erasures_due(now: datetime) -> str:
    """Carry out erasure requests whose grace period is over."""
    return f"{carry_out_due(now)} erasures carried out"


@periodic_job(every=timedelta(days=1), name="people.retention")
def retention(now: datetime) -> str:
    """Remove personal data past its retention period (per category) and report it."""
    report = apply_retention(now)
    total = sum(sum(c.values()) for c in report.values())
    return f"{total} rows removed or emptied" + (f" ({', '.join(report)})" if report else "")

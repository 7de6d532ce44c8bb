"""Teams' periodic work (run by ``tandem runperiodic`` / ``tandem worker --with-periodic``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from tandem.core.periodic import periodic_job
from tandem.integrations.teams.config import teams_settings
from tandem.integrations.teams.models import TeamsInbound
from tandem.integrations.teams.services.people import directory_sync
from tandem.integrations.teams.services.rotation import linked_rounds, post_summaries


@periodic_job(every=timedelta(minutes=5), name="teams.team_rounds")
def team_rounds(now: datetime) -> str:
    """Start the rounds of rotations linked to a Teams team at their local start time, and post
    each round's summary to the team's channel."""
    if not teams_settings().configured:
        return "Teams not configured"
    started = linked_rounds(now)
    return f"{started} rounds started, {post_summaries()} summaries posted"


@periodic_job(every=timedelta(hours=6), name="teams.directory_refresh")
def directory_refresh(now: datetime) -> str:
    """Look up people Graph has not been asked about lately (new hires, changed emails)."""
    if not teams_settings().configured:
        return "Teams not configured"
    report = directory_sync(only_stale=True, now=now)
    return report.summary + (f" (stopped: {report.stopped_by})" if report.stopped_by else "")


@periodic_job(every=timedelta(days=1), name="teams.forget_old_activities")
def forget_old_activities(now: datetime) -> str:
    """Delete Teams activities older than 30 days (Teams retries within seconds)."""
    deleted, _ = TeamsInbound.objects.filter(received_at__lt=now - timedelta(days=30)).delete()
    return f"{deleted} activities forgotten"

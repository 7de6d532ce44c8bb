"""Slack's periodic work (run by ``tandem runperiodic`` / ``tandem worker --with-periodic``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from tandem.core.periodic import periodic_job
from tandem.integrations.slack.config import slack_settings
from tandem.integrations.slack.services.inbound import inbound_forget
from tandem.integrations.slack.services.people import directory_sync
from tandem.integrations.slack.services.rotation import linked_rounds


@periodic_job(every=timedelta(minutes=5), name="slack.channel_rounds")
def channel_rounds(now: datetime) -> str:
    """Start the rounds of rotations linked to a Slack channel, at their local start time."""
    if not slack_settings().configured:
        return "Slack not configured"
    return f"{linked_rounds(now)} rounds started"


@periodic_job(every=timedelta(hours=6), name="slack.directory_refresh")
def directory_refresh(now: datetime) -> str:
    """Look up people Slack has not been asked about lately (new hires, changed emails)."""
    if not slack_settings().configured:
        return "Slack not configured"
    report = directory_sync(only_stale=True, now=now)
    return report.summary + (f" (stopped: {report.stopped_by})" if report.stopped_by else "")


@periodic_job(every=timedelta(days=1), name="slack.forget_old_requests")
def forget_old_requests(now: datetime) -> str:
    """Delete handled Slack requests older than 30 days (Slack retries within minutes)."""
    return f"{inbound_forget(before=now - timedelta(days=30))} requests forgotten"

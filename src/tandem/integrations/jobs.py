"""Periodic jobs of the integrations (found by ``tandem.core.periodic.autodiscover``)."""

from tandem.integrations.slack import jobs as slack_jobs
from tandem.integrations.teams import jobs as teams_jobs

__all__ = ["slack_jobs", "teams_jobs"]

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from tandem.core.periodic import periodic_job
from tandem.relationships import reminders
from tandem.relationships.services import checkins
from tandem.relationships.services.answers import answer_deadlines


@periodic_job(every=timedelta(minutes=15), name="relationships.meeting_reminders")
def meeting_reminders(now: datetime) -> str:
    """Remind people of tomorrow's meetings (outside their quiet hours)."""
    return f"{reminders.meeting_reminders(now)} reminders"


@periodic_job(every=timedelta(minutes=30), name="relationships.log_prompts")
def log_prompts(now: datetime) -> str:
    """Ask people to log a meeting an hour after it ended."""
    return f"{reminders.log_prompts(now)} prompts"


@periodic_job(every=timedelta(hours=6), name="relationships.health")
def relationship_health(now: datetime) -> str:
    """Refresh health; nudge overdue pairs, warn inactive ones, alert coordinators."""
    counts = reminders.cadence_and_inactivity(now)
    return ", ".join(f"{v} {k}" for k, v in counts.items())


@periodic_job(every=timedelta(hours=24), name="relationships.goal_checkins")
def goal_checkins(now: datetime) -> str:
    """A monthly nudge for goals without a progress update."""
    return f"{reminders.goal_checkins(now)} check-ins"


@periodic_job(every=timedelta(hours=1), name="relationships.answer_deadlines")
def match_answer_deadlines(now: datetime) -> str:
    """Remind people who have not answered their match; then alert the coordinators."""
    reminded, escalated = answer_deadlines(today=timezone.localdate(now))
    return f"{reminded} reminded, {escalated} escalated"


@periodic_job(every=timedelta(hours=1), name="relationships.ghost_rule")
def ghost_rule(now: datetime) -> str:
    """Start the ghost rule for people who left three check-ins in a row unanswered."""
    return f"{checkins.ghost_rule(now=now)} started"

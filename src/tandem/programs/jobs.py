from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from tandem.core.periodic import periodic_job
from tandem.programs.models import Program, ProgramStatus
from tandem.programs.services.mailings import send_due_reminders
from tandem.programs.services.stages import close_ended_enrolments


@periodic_job(every=timedelta(hours=1), name="programs.enrolment_reminders")
def enrolment_reminders(now: datetime) -> str:
    """Send the enrolment reminders and last calls that are due today (each at most once)."""
    today = timezone.localdate(now)
    sent = sum(
        send_due_reminders(program=program, today=today)
        for program in Program.objects.filter(status=ProgramStatus.ENROLLING)
    )
    return f"{sent} reminders"


@periodic_job(every=timedelta(hours=1), name="programs.close_enrolment")
def close_enrolment(now: datetime) -> str:
    """Programs whose enrolment window has ended move on to matching."""
    closed = close_ended_enrolments(today=timezone.localdate(now))
    return f"{len(closed)} programs moved to matching"

"""The emails of programs: invitations to enrol, reminders, last call, confirmation."""

from __future__ import annotations

from datetime import datetime

from tandem.accounts.models import User
from tandem.notify.models import Category
from tandem.notify.outbox import EmailToSend, render_email
from tandem.programs.models import Enrolment, Program

TEMPLATES = "programs/email"


def program_mailing_email(
    *, kind: str, program: Program, user: User, mailing_key: str
) -> EmailToSend:
    """Invitation (``program_invitation``), ``enrolment_reminder`` or ``enrolment_last_call``."""
    return render_email(
        kind,
        category=Category.PROGRAM_NEWS,
        templates=TEMPLATES,
        event_key=f"program:{program.pk}:{mailing_key}:{user.pk}",
        recipient=user,
        context={"program": program},
    )


def enrolment_confirmed_email(*, enrolment: Enrolment, user: User, at: datetime) -> EmailToSend:
    return render_email(
        "enrolment_confirmed",
        category=Category.PROGRAM_NEWS,
        templates=TEMPLATES,
        event_key=f"program:{enrolment.program_id}:enrolled:{enrolment.pk}:{int(at.timestamp())}",
        recipient=user,
        context={"program": enrolment.program, "enrolment": enrolment},
    )

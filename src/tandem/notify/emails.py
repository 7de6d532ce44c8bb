"""One function per email kind. Each renders three templates (subject, text, HTML) into the outbox,
inside the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from tandem.notify.outbox import EmailToSend, render_email

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.programs.models import Enrolment, Program


def invitation_email(
    *,
    user: User,
    accept_url: str,
    expires_at: datetime,
    invitation_id: int,
    invited_by: User | None,
) -> EmailToSend:
    return render_email(
        "invitation",
        event_key=f"invitation:{invitation_id}",
        recipient=user,
        context={
            "accept_url": accept_url,
            "expires_at": expires_at,
            "invited_by_name": invited_by.name if invited_by else "",
        },
    )


def password_reset_email(*, user: User, reset_url: str, event_key: str) -> EmailToSend:
    return render_email(
        "password_reset", event_key=event_key, recipient=user, context={"reset_url": reset_url}
    )


def program_mailing_email(
    *, kind: str, program: Program, user: User, mailing_key: str
) -> EmailToSend:
    """Invitation (``program_invitation``), ``enrolment_reminder`` or ``enrolment_last_call``."""
    return render_email(
        kind,
        event_key=f"program:{program.pk}:{mailing_key}:{user.pk}",
        recipient=user,
        context={"program": program},
    )


def enrolment_confirmed_email(*, enrolment: Enrolment, user: User, at: datetime) -> EmailToSend:
    return render_email(
        "enrolment_confirmed",
        event_key=f"program:{enrolment.program_id}:enrolled:{enrolment.pk}:{int(at.timestamp())}",
        recipient=user,
        context={"program": enrolment.program, "enrolment": enrolment},
    )

"""The emails of accounts: invitations and password resets (templates in accounts/email/)."""

from __future__ import annotations

from datetime import datetime

from tandem.accounts.models import User
from tandem.notify.outbox import EmailToSend, render_email

TEMPLATES = "accounts/email"


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
        templates=TEMPLATES,
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
        "password_reset",
        templates=TEMPLATES,
        event_key=event_key,
        recipient=user,
        context={"reset_url": reset_url},
    )

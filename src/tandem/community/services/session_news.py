"""A person chooses how they hear about new group sessions."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.community.models import SessionNews, SessionNewsMode
from tandem.core.errors import ApplicationError, FieldError


@transaction.atomic
def session_news_set(*, actor: User, mode: str, now: datetime | None = None) -> SessionNews:
    if mode not in SessionNewsMode.values:
        raise ApplicationError(
            "Choose how to hear about new sessions.",
            errors=[FieldError("Choose one of the options.", field="mode", value=mode[:20])],
        )
    row, _ = SessionNews.objects.update_or_create(
        user=actor, defaults={"mode": mode, "updated_at": now or timezone.now()}
    )
    return row

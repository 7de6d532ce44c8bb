"""Attempt counting for sign-in: per account and per client IP, enforced atomically.

An attempt is counted *before* the password is checked and refunded when it succeeds, so a burst
of parallel guesses cannot slip past the limit while the first ones are still being verified.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from tandem.accounts.models import LoginThrottle
from tandem.core.requests import client_ip


def consume(key: str, *, limit: int, window: timedelta, now: datetime | None = None) -> bool:
    """Count one attempt for ``key``; False when the window's limit is already used up."""
    now = now or timezone.now()
    with contextlib.suppress(IntegrityError):  # a parallel request created it meanwhile
        LoginThrottle.objects.get_or_create(key=key, defaults={"window_start": now})
    with transaction.atomic():
        row = LoginThrottle.objects.select_for_update().get(key=key)
        if row.window_start + window <= now:
            row.window_start, row.attempts = now, 0
        row.attempts += 1
        row.save(update_fields=["window_start", "attempts"])
        return row.attempts <= limit


def refund(key: str) -> None:
    with transaction.atomic():
        row = LoginThrottle.objects.select_for_update().filter(key=key).first()
        if row and row.attempts:
            row.attempts -= 1
            row.save(update_fields=["attempts"])


def login_keys(email: str, request: HttpRequest) -> list[tuple[str, int]]:
    return [
        (f"account:{email.strip().lower()}", settings.TANDEM_LOGIN_FAILURES_PER_ACCOUNT),
        (f"ip:{client_ip(request)}", settings.TANDEM_LOGIN_FAILURES_PER_IP),
    ]


def login_window() -> timedelta:
    return timedelta(seconds=settings.TANDEM_LOGIN_WINDOW_SECONDS)


def clean_up(now: datetime) -> int:
    stale = now - login_window()
    deleted, _ = LoginThrottle.objects.filter(window_start__lt=stale).delete()
    return deleted

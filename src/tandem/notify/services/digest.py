"""The weekly digest: low-priority messages held for people who asked for one, sent together."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from tandem.core.words import plural
from tandem.notify.messages import Message
from tandem.notify.models import (
    Category,
    LowPriority,
    NotificationPreference,
    OutboxMessage,
    Status,
)
from tandem.notify.outbox import DIGEST_KIND, enqueue, message_email, render_row

WEEK = timedelta(days=7)


def due_digest_users(now: datetime) -> list[int]:
    """People with held messages whose last digest (or switch to weekly) is a week old; people
    who went back to "immediate" get what was held at once."""
    held = OutboxMessage.objects.filter(status=Status.HELD, user__isnull=False)
    user_ids = set(held.values_list("user_id", flat=True))
    prefs = NotificationPreference.objects.filter(user_id__in=user_ids)
    due = []
    for pref in prefs:
        since = pref.last_digest_at or pref.updated_at
        if pref.low_priority != LowPriority.WEEKLY or since <= now - WEEK:
            due.append(pref.user_id)
    due.extend(user_ids - {p.user_id for p in prefs})
    return sorted(due)


def digest_send(*, user_id: int, now: datetime) -> int:
    """Send one person's digest; returns how many held messages it carried (0: nothing due)."""
    user = get_user_model().objects.filter(pk=user_id).first()
    with transaction.atomic():
        held = list(
            OutboxMessage.objects.select_for_update()
            .filter(user_id=user_id, status=Status.HELD)
            .order_by("created_at", "id")
        )
        if not held:
            return 0
        ids = [m.pk for m in held]
        if user is None:
            OutboxMessage.objects.filter(pk__in=ids).update(status=Status.CANCELLED)
            return 0
        first = min(m.created_at for m in held)
        held = [render_row(m) for m in held]  # a deferred one is written now
        lines = [f"*{m.subject}*\n{_summary(m.body_text)}" for m in held]
        message = Message(
            kind=DIGEST_KIND,
            category=Category.NUDGES,
            title=f"Your weekly digest: {plural(len(held), 'update')}",
            text="\n\n".join(lines),
        )
        key = f"digest:{user_id}:{first:%Y%m%d%H%M%S}:{ids[-1]}"
        enqueue([message_email(message, to=user, event_key=key)], now=now)
        OutboxMessage.objects.filter(pk__in=ids).update(status=Status.DIGESTED, sent_at=now)
        NotificationPreference.objects.filter(user_id=user_id).update(last_digest_at=now)
    return len(held)


def _summary(body_text: str) -> str:
    """The body without greeting and signature, at most a few lines."""
    lines = [line for line in body_text.strip().splitlines() if line.strip()]
    if lines and lines[0].lower().startswith(("hello", "hi ")):
        lines = lines[1:]
    if lines and lines[-1].startswith("— "):
        lines = lines[:-1]
    return "\n".join(lines[:4])


__all__ = ["digest_send", "due_digest_users"]

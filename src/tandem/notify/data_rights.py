"""What notify holds about a person: messages sent to them, their preferences.

See ``core.personal_data``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet

from tandem.core.personal_data import (
    RetentionCategory,
    Section,
    Subject,
    register,
    register_retention,
)
from tandem.notify.models import NotificationPreference, OutboxMessage, Status
from tandem.notify.outbox import render_row


def _messages(subject: Subject) -> QuerySet[OutboxMessage]:
    mine = Q(user_id=subject.user_id)
    if subject.email:
        mine |= Q(recipient__iexact=subject.email)
    return OutboxMessage.objects.filter(mine)


def export(subject: Subject) -> dict[str, Section]:
    prefs = NotificationPreference.objects.filter(user_id=subject.user_id).first()
    return {
        "messages": Section(
            "Emails and messages sent to you",
            "Everything Tandem sent you (or is about to), by email or chat, as it was sent.",
            [
                {
                    "created": m.created_at,
                    "sent": m.sent_at,
                    "channel": m.get_channel_display(),
                    "status": m.get_status_display(),
                    "kind": m.kind,
                    "subject": m.subject,
                    "body": m.body_text,
                }
                for m in map(render_row, _messages(subject).order_by("created_at", "pk"))
            ],
        ),
        "preferences": Section(
            "Notification preferences",
            "How and when you want to hear from Tandem.",
            [
                {
                    "channels": prefs.channels,
                    "quiet_start": prefs.quiet_start,
                    "quiet_end": prefs.quiet_end,
                    "working_days": prefs.working_days,
                    "low_priority": prefs.low_priority,
                    "paused_until": prefs.paused_until,
                }
            ]
            if prefs
            else [],
        ),
    }


def erase(subject: Subject) -> dict[str, int]:
    return {
        "messages": _messages(subject).delete()[0],
        "preferences": NotificationPreference.objects.filter(user_id=subject.user_id).delete()[0],
    }


register("notify", export=export, erase=erase, order=40)

REMOVED = "(removed after the retention period)"


def retain_outbox_bodies(now: datetime, days: int) -> dict[str, int]:
    """Delivered or failed messages keep their envelope (who, what kind, when, status) and lose
    what they said after ``days``; pending ones are never touched."""
    cutoff = now - timedelta(days=days)
    old = OutboxMessage.objects.filter(
        created_at__lte=cutoff,
        status__in=[Status.SENT, Status.FAILED, Status.CANCELLED, Status.DIGESTED],
    ).exclude(body_text=REMOVED)
    return {
        "message_bodies": old.update(
            subject=REMOVED,
            body_text=REMOVED,
            body_html="",
            payload={},
            attachments=[],
            render_with="",
            render_context={},
        )
    }


register_retention(
    RetentionCategory(
        key="outbox_bodies",
        label="Outbox message texts",
        description="Subject and text of emails and chat messages once delivered (or failed), "
        "counted from when they were written.",
        default_days=90,
        apply=retain_outbox_bodies,
        order=30,
    )
)

"""The transactional outbox: write notifications with the event, deliver them later, exactly once
per (event, recipient, channel).

Delivery claims each row with a conditional UPDATE (several workers are safe), commits the claim,
sends, then commits the result. A worker that dies after claiming leaves the row "sending"; after
``TANDEM_OUTBOX_LEASE_SECONDS`` another worker takes it over. The only window for a second copy is
a crash between the mail server accepting a message and the "sent" commit; the Message-ID is stable
(``<outbox-ID@host>``) so receiving systems can recognise such a re-delivery.
"""

from __future__ import annotations

import base64
import logging
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template import engines
from django.template.loader import render_to_string
from django.utils import timezone

from tandem.notify.models import Channel, OutboxMessage, Status

logger = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=6)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes

    def as_json(self) -> dict[str, str]:
        return {
            "filename": self.filename,
            "content_type": self.content_type,
            "content": base64.b64encode(self.content).decode("ascii"),
        }


@dataclass(frozen=True)
class EmailToSend:
    """One rendered email for one recipient, ready to be written to the outbox."""

    kind: str
    event_key: str
    recipient: str
    subject: str
    body_text: str
    body_html: str
    user_id: int | None = None
    attachments: tuple[Attachment, ...] = ()
    send_after: datetime | None = None  # e.g. the end of the recipient's quiet hours


class Recipient(Protocol):
    """Whom an email is for: a user account (notify knows no domain model beyond this)."""

    @property
    def pk(self) -> Any: ...

    @property
    def email(self) -> str: ...


def render_email(
    kind: str,
    *,
    templates: str,
    event_key: str,
    recipient: Recipient | str,
    context: dict[str, Any],
    attachments: Sequence[Attachment] = (),
    send_after: datetime | None = None,
) -> EmailToSend:
    """Render ``<templates>/<kind>/{subject.txt,body.txt,body.html}`` for one recipient.

    The owning app builds the context from its own models and names its template folder
    (``templates="relationships/email"``); the outbox only renders and stores.
    """
    email = recipient if isinstance(recipient, str) else recipient.email
    full_context = {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "recipient": recipient,
        **context,
    }
    base = f"{templates}/{kind}"
    subject = " ".join(_render_plain(f"{base}/subject.txt", full_context).split())
    return EmailToSend(
        kind=kind,
        event_key=event_key,
        recipient=email,
        subject=subject[:300],
        body_text=_render_plain(f"{base}/body.txt", full_context).strip() + "\n",
        body_html=render_to_string(f"{base}/body.html", full_context),
        user_id=None if isinstance(recipient, str) else recipient.pk,
        attachments=tuple(attachments),
        send_after=send_after,
    )


_PLAIN = "{% autoescape off %}{% include template_name %}{% endautoescape %}"


def _render_plain(template_name: str, context: dict[str, Any]) -> str:
    """Plain text (subjects, text bodies) is not HTML: "Zoë's" must not become "Zoë&#x27;s"."""
    return engines["django"].from_string(_PLAIN).render({**context, "template_name": template_name})


def enqueue(emails: Iterable[EmailToSend]) -> int:
    """Write rendered emails to the outbox inside the caller's transaction; duplicates are skipped.

    Refuses to run outside a transaction: a notification must commit or roll back with its event.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("enqueue() must run inside the transaction that records the event")
    rows = [
        OutboxMessage(
            event_key=email.event_key,
            channel=Channel.EMAIL,
            recipient=email.recipient,
            user_id=email.user_id,
            kind=email.kind,
            subject=email.subject,
            body_text=email.body_text,
            body_html=email.body_html,
            attachments=[a.as_json() for a in email.attachments],
            next_attempt_at=email.send_after or timezone.now(),
        )
        for email in emails
    ]
    OutboxMessage.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)


# --- delivery ----------------------------------------------------------------------------------


class DeliveryError(Exception):
    pass


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return len(self.sent) + len(self.retrying) + len(self.failed)


def _lease() -> timedelta:
    return timedelta(seconds=getattr(settings, "TANDEM_OUTBOX_LEASE_SECONDS", 300))


def _due(now: datetime) -> Q:
    return Q(status=Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Status.SENDING, claimed_at__lt=now - _lease()
    )


def claim(message_id: int, *, worker_id: str, now: datetime) -> OutboxMessage | None:
    claimed = OutboxMessage.objects.filter(_due(now), pk=message_id).update(
        status=Status.SENDING, claimed_at=now, claimed_by=worker_id[:64]
    )
    return OutboxMessage.objects.get(pk=message_id) if claimed else None


def deliver_due(
    *, worker_id: str, batch_size: int = 50, now: datetime | None = None
) -> DeliveryReport:
    """Deliver up to ``batch_size`` due messages. ``now`` fixes the clock (tests, time travel)."""
    fixed_now = now
    now = now or timezone.now()
    due_ids = list(
        OutboxMessage.objects.filter(_due(now))
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:batch_size]
    )
    report = DeliveryReport()
    if not due_ids:
        return report
    connection = get_connection(fail_silently=False)
    try:
        for message_id in due_ids:
            message = claim(message_id, worker_id=worker_id, now=fixed_now or timezone.now())
            if message is None:
                continue  # another worker got there first
            try:
                _send(message, connection)
            except Exception as exc:
                _record_failure(message, exc, report)
                connection.close()
            else:
                OutboxMessage.objects.filter(pk=message.pk, claimed_by=message.claimed_by).update(
                    status=Status.SENT,
                    sent_at=timezone.now(),
                    attempts=F("attempts") + 1,
                    last_error="",
                )
                report.sent.append(message.pk)
    finally:
        connection.close()
    return report


def _send(message: OutboxMessage, connection: Any) -> None:
    if message.channel != Channel.EMAIL:
        raise DeliveryError(f"channel {message.channel} is not configured")
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        headers={"Message-ID": message.message_id, "Auto-Submitted": "auto-generated"},
        connection=connection,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for item in message.attachments:
        email.attach(item["filename"], base64.b64decode(item["content"]), item["content_type"])
    email.send(fail_silently=False)


def backoff(attempts: int) -> timedelta:
    """Exponential backoff with ±10% jitter: base, 2×base, 4×base … capped at six hours."""
    base = settings.TANDEM_OUTBOX_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0)
    seconds = min(base, MAX_BACKOFF.total_seconds())
    return timedelta(seconds=seconds * random.uniform(0.9, 1.1))  # noqa: S311 - jitter only


def _record_failure(message: OutboxMessage, exc: Exception, report: DeliveryReport) -> None:
    attempts = message.attempts + 1
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if attempts >= settings.TANDEM_OUTBOX_MAX_ATTEMPTS:
        status, next_at = Status.FAILED, timezone.now()
        report.failed.append(message.pk)
        logger.error("outbox message %s failed for good after %s attempts", message.pk, attempts)
    else:
        status, next_at = Status.PENDING, timezone.now() + backoff(attempts)
        report.retrying.append(message.pk)
        logger.warning("outbox message %s failed (attempt %s), will retry", message.pk, attempts)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=status, attempts=attempts, next_attempt_at=next_at, last_error=error
    )


def retry_now(message_ids: Iterable[int]) -> int:
    """Put failed messages back in the queue (an admin's "retry" button)."""
    return OutboxMessage.objects.filter(pk__in=list(message_ids), status=Status.FAILED).update(
        status=Status.PENDING, next_attempt_at=timezone.now(), attempts=0
    )

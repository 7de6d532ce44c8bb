"""The transactional outbox: write notifications with the event, deliver them later, exactly once
per (event, recipient, channel).

Enqueuing applies each person's preferences (``tandem.notify.preferences``): the channel for the
message's category (falling back to email, with the reason, when a chat channel is not configured
or does not know the person), pauses, the weekly digest for low-priority kinds, working days and
quiet hours. Account mail (invitations, password resets) always goes by email, at once.

Delivery claims each row with a conditional UPDATE (several workers are safe), commits the claim,
sends through the row's channel, then commits the result. A worker that dies after claiming leaves
the row "sending"; after ``TANDEM_OUTBOX_LEASE_SECONDS`` another worker takes it over. The only
window for a second copy is a crash between the receiver accepting a message and the "sent"
commit; the Message-ID is stable (``<outbox-ID@host>``) so receiving systems can recognise such a
re-delivery.
"""

from __future__ import annotations

import base64
import logging
import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template import engines
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape, urlize
from django.utils.safestring import mark_safe

from tandem.notify.channels import channel_label, get_channel, render_for
from tandem.notify.messages import LOW_PRIORITY, Message
from tandem.notify.models import (
    Category,
    Channel,
    DeliveryChoice,
    LowPriority,
    OutboxMessage,
    Status,
)
from tandem.notify.preferences import Preferences, preferences_for

logger = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=6)
DIGEST_KIND = "weekly_digest"


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
    """One notification for one recipient, rendered as email (and, through ``message``, for the
    chat channels), ready to be routed and written to the outbox."""

    kind: str
    event_key: str
    recipient: str
    subject: str
    body_text: str
    body_html: str
    user_id: int | None = None
    attachments: tuple[Attachment, ...] = ()
    send_after: datetime | None = None  # e.g. the end of the recipient's quiet hours
    category: str = Category.ACCOUNT
    message: Message | None = None  # the channel-neutral form; derived from the email if None
    urgent: bool = False
    render_with: str = ""  # a registered renderer: subject and bodies are written when sent
    render_context: dict[str, Any] = field(default_factory=dict)  # ids and flags, JSON

    def rendered(self) -> EmailToSend:
        """This email with its subject and bodies (renders a deferred one now)."""
        if not self.render_with:
            return self
        email = _render_deferred(self.render_with, self.render_context)
        if email is None:
            raise PermanentDeliveryError("what this message was about no longer exists")
        return replace(email, event_key=self.event_key, send_after=self.send_after)

    def as_message(self) -> Message:
        if self.message is not None:
            return self.message
        return Message(
            kind=self.kind,
            category=self.category,
            title=self.subject,
            text=self.body_text.strip(),
            urgent=self.urgent,
        )


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
    category: str = Category.ACCOUNT,
) -> EmailToSend:
    """Render ``<templates>/<kind>/{subject.txt,body.txt,body.html}`` for one recipient.

    The owning app builds the context from its own models and names its template folder
    (``templates="relationships/email"``) and the kind's ``category`` (which preference and
    unsubscribe link apply; ``account`` mail cannot be turned off); the outbox only renders and
    stores. Chat channels get the subject, the text and a link to ``context["url"]``.
    """
    email = recipient if isinstance(recipient, str) else recipient.email
    full_context = {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "recipient": recipient,
        **context,
    }
    base = f"{templates}/{kind}"
    subject = " ".join(_render_plain(f"{base}/subject.txt", full_context).split())[:300]
    body_text = _render_plain(f"{base}/body.txt", full_context).strip() + "\n"
    url = context.get("url")
    return EmailToSend(
        kind=kind,
        event_key=event_key,
        recipient=email,
        subject=subject,
        body_text=body_text,
        body_html=render_to_string(f"{base}/body.html", full_context),
        user_id=None if isinstance(recipient, str) else recipient.pk,
        attachments=tuple(attachments),
        send_after=send_after,
        category=category,
        message=Message(
            kind=kind,
            category=category,
            title=subject,
            text=_chat_text(body_text),
            link_url=url if isinstance(url, str) else "",
            link_label="Open in Tandem" if isinstance(url, str) else "",
        ),
    )


# --- rendering at delivery ---------------------------------------------------------------------
# Publishing a run writes thousands of messages in one transaction; rendering each there would
# double its time. A deferred email stores a renderer's name and a small JSON context (ids, flags:
# nothing the outbox list shows) and is rendered by the worker when it is sent. The row is still
# written with the event, so the guarantee (exactly one message per event and recipient) is kept.

Renderer = Callable[[dict[str, Any]], "EmailToSend | None"]
_RENDERERS: dict[str, Renderer] = {}


def register_renderer(name: str, renderer: Renderer) -> None:
    """An app's renderer: context (as stored) → the email, or None when its subject is gone."""
    _RENDERERS[name] = renderer


def _render_deferred(name: str, context: dict[str, Any]) -> EmailToSend | None:
    renderer = _RENDERERS.get(name)
    if renderer is None:
        raise PermanentDeliveryError(f"no renderer named {name!r}")
    return renderer(context)


def deferred_email(
    kind: str,
    *,
    renderer: str,
    event_key: str,
    recipient: Recipient,
    context: dict[str, Any],
    category: str = Category.ACCOUNT,
) -> EmailToSend:
    """An email rendered when it is sent (``register_renderer``); ``context`` must be JSON."""
    return EmailToSend(
        kind=kind,
        event_key=event_key,
        recipient=recipient.email,
        subject="",
        body_text="",
        body_html="",
        user_id=int(recipient.pk),
        category=category,
        render_with=renderer,
        render_context=context,
    )


def render_row(message: OutboxMessage, *, save: bool = False) -> OutboxMessage:
    """Fill in a deferred row's subject and bodies (``save``: store them, as the worker does
    before sending). A row whose subject is gone keeps its blanks when not saving."""
    if not message.render_with:
        return message
    try:
        email = _render_deferred(message.render_with, message.render_context)
    except PermanentDeliveryError:
        if save:
            raise
        return message
    if email is None:
        if save:
            raise PermanentDeliveryError("what this message was about no longer exists")
        return message
    message.subject = email.subject
    message.body_text = email.body_text
    message.body_html = email.body_html
    message.attachments = [a.as_json() for a in email.attachments]
    message.render_with = ""
    if save:
        OutboxMessage.objects.filter(pk=message.pk).update(
            subject=message.subject,
            body_text=message.body_text,
            body_html=message.body_html,
            attachments=message.attachments,
            render_with="",
        )
    return message


_PLAIN = "{% autoescape off %}{% include template_name %}{% endautoescape %}"


def _render_plain(template_name: str, context: dict[str, Any]) -> str:
    """Plain text (subjects, text bodies) is not HTML: "Zoë's" must not become "Zoë&#x27;s"."""
    return engines["django"].from_string(_PLAIN).render({**context, "template_name": template_name})


def _chat_text(body_text: str) -> str:
    """The email text without its greeting and signature, for a chat message."""
    lines = body_text.strip().splitlines()
    if lines and lines[0].lower().startswith(("hello", "hi ")):
        lines = lines[1:]
    if lines and lines[-1].startswith("— "):
        lines = lines[:-1]
    return "\n".join(lines).strip()


_BOLD = re.compile(r"\*([^*\n]+)\*")


def light_markdown_html(text: str) -> str:
    """``*bold*`` and bare links of a Message's text as safe HTML (everything else escaped)."""
    html = urlize(escape(text), nofollow=True, autoescape=False)
    return mark_safe(_BOLD.sub(r"<strong>\1</strong>", html))  # noqa: S308 - escaped above


def message_email(
    message: Message,
    *,
    to: Recipient,
    event_key: str,
    send_after: datetime | None = None,
    attachments: Sequence[Attachment] = (),
) -> EmailToSend:
    """A channel-neutral message rendered as email: buttons become signed action links."""
    from tandem.notify.actions import action_url

    buttons = [
        {
            "label": b.label,
            "url": b.url or action_url(int(to.pk), b.action, b.value, b.label),
            "style": b.style,
        }
        for b in message.buttons
    ]
    context = {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "recipient": to,
        "message": message,
        "buttons": buttons,
        "html_text": light_markdown_html(message.text),
    }
    body_text = _render_plain("notify/email/message/body.txt", context).strip() + "\n"
    return EmailToSend(
        kind=message.kind,
        event_key=event_key,
        recipient=to.email,
        subject=message.title[:300],
        body_text=body_text,
        body_html=render_to_string("notify/email/message/body.html", context),
        user_id=int(to.pk),
        attachments=tuple(attachments),
        send_after=send_after,
        category=str(message.category),
        message=message,
        urgent=message.urgent,
    )


def send(
    message: Message,
    *,
    to: Recipient,
    event_key: str,
    send_after: datetime | None = None,
    attachments: Sequence[Attachment] = (),
    now: datetime | None = None,
) -> int:
    """The single entry point for a channel-neutral message to one person (inside the caller's
    transaction); preferences decide the channel and time. Returns the number of rows written.
    ``now`` fixes the clock (tests, periodic jobs run for a given moment)."""
    email = message_email(
        message, to=to, event_key=event_key, send_after=send_after, attachments=attachments
    )
    return enqueue([email], now=now)


def enqueue(emails: Iterable[EmailToSend], *, now: datetime | None = None) -> int:
    """Route and write notifications to the outbox inside the caller's transaction; duplicates
    are skipped. Returns how many were written for delivery (held or skipped ones included).

    Refuses to run outside a transaction: a notification must commit or roll back with its event.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("enqueue() must run inside the transaction that records the event")
    items = list(emails)
    now = now or timezone.now()
    prefs = preferences_for(e.user_id for e in items if e.user_id is not None)
    rows = [route(item, prefs.get(item.user_id) if item.user_id else None, now) for item in items]
    OutboxMessage.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)


def route(item: EmailToSend, prefs: Preferences | None, now: datetime) -> OutboxMessage:
    """Decide channel, time and status of one notification (no query unless a chat channel
    has to look the person up)."""
    row = OutboxMessage(
        event_key=item.event_key,
        channel=Channel.EMAIL,
        recipient=item.recipient,
        user_id=item.user_id,
        kind=item.kind,
        category=item.category,
        subject=item.subject,
        body_text=item.body_text,
        body_html=item.body_html,
        attachments=[a.as_json() for a in item.attachments],
        next_attempt_at=max(item.send_after or now, now),
        render_with=item.render_with,
        render_context=item.render_context,
    )
    if item.category == Category.ACCOUNT or prefs is None:
        return row
    choice = prefs.channel_for(item.category)
    if choice == DeliveryChoice.OFF:
        return _skip(row, f"{Category(item.category).label} turned off by the recipient")
    if not item.urgent and prefs.is_paused(now):
        return _skip(row, f"Paused until {prefs.paused_until:%Y-%m-%d}")
    if choice != DeliveryChoice.EMAIL and item.attachments:
        row.fallback_reason = "calendar file attached: sent by email"
    elif choice != DeliveryChoice.EMAIL:
        if item.render_with:  # a chat message is rendered for its channel when written
            item = item.rendered()
            row.subject, row.body_text, row.body_html = item.subject, item.body_text, item.body_html
            row.render_with = ""
        _to_chat(row, choice, item)
    if item.urgent:
        return row
    if (
        prefs.low_priority == LowPriority.WEEKLY
        and item.category in LOW_PRIORITY
        and item.kind != DIGEST_KIND
    ):
        row.status = Status.HELD
        return row
    row.next_attempt_at = prefs.next_allowed(row.next_attempt_at)
    return row


def _skip(row: OutboxMessage, reason: str) -> OutboxMessage:
    row.status = Status.CANCELLED
    row.last_error = reason
    return row


def _to_chat(row: OutboxMessage, name: str, item: EmailToSend) -> None:
    channel = get_channel(name)
    label = channel_label(name)
    if channel is None or not channel.is_configured():
        row.fallback_reason = f"{label} not configured"
        return
    address = channel.resolve(int(row.user_id or 0), item.recipient) if row.user_id else None
    if not address:
        row.fallback_reason = f"not found in {label}"
        return
    row.channel = name
    row.recipient = address[:320]
    row.payload = render_for(name, item.as_message())


def unsubscribe_headers(message: OutboxMessage) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe for every email that is not account mail."""
    if message.category == Category.ACCOUNT or message.user_id is None:
        return {}
    from tandem.notify.unsubscribe import unsubscribe_url

    return {
        "List-Unsubscribe": f"<{unsubscribe_url(message.user_id, message.category)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


# --- delivery ----------------------------------------------------------------------------------


class DeliveryError(Exception):
    """Delivery failed; retried with backoff until ``TANDEM_OUTBOX_MAX_ATTEMPTS``."""


class TemporaryDeliveryError(DeliveryError):
    """Worth retrying (rate limited, 5xx, timeout). ``retry_after`` (seconds) is honoured when
    the remote says how long to wait (HTTP 429 ``Retry-After``)."""

    def __init__(self, message: str = "", *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentDeliveryError(DeliveryError):
    """A retry cannot help (unknown recipient, revoked token): failed at once."""


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
                remote_id = _send(message, connection)
            except Exception as exc:
                _record_failure(message, exc, report)
                connection.close()
            else:
                OutboxMessage.objects.filter(pk=message.pk, claimed_by=message.claimed_by).update(
                    status=Status.SENT,
                    sent_at=timezone.now(),
                    attempts=F("attempts") + 1,
                    last_error="",
                    remote_id=remote_id[:200],
                )
                report.sent.append(message.pk)
    finally:
        connection.close()
    return report


def _send(message: OutboxMessage, connection: Any) -> str:
    """Deliver one row through its channel; returns the remote id ("" for email)."""
    render_row(message, save=True)
    if message.channel == Channel.EMAIL:
        _send_email(message, connection)
        return ""
    channel = get_channel(message.channel)
    if channel is None or not channel.is_configured():
        raise PermanentDeliveryError(f"{channel_label(message.channel)} is not configured")
    return channel.deliver(message) or ""


def _send_email(message: OutboxMessage, connection: Any) -> None:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        headers={
            "Message-ID": message.message_id,
            "Auto-Submitted": "auto-generated",
            **unsubscribe_headers(message),
        },
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
    permanent = isinstance(exc, PermanentDeliveryError)
    if permanent or attempts >= settings.TANDEM_OUTBOX_MAX_ATTEMPTS:
        status, next_at = Status.FAILED, timezone.now()
        report.failed.append(message.pk)
        logger.error("outbox message %s failed for good after %s attempts", message.pk, attempts)
    else:
        wait = backoff(attempts)
        retry_after = getattr(exc, "retry_after", None)
        if isinstance(exc, TemporaryDeliveryError) and retry_after is not None:
            wait = max(timedelta(seconds=float(retry_after)), timedelta(seconds=1))
        status, next_at = Status.PENDING, timezone.now() + wait
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

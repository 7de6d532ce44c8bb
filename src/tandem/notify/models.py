from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SLACK = "slack", "Slack"
    TEAMS = "teams", "Microsoft Teams"


class Category(models.TextChoices):
    """What a message is about; people choose a channel (or none) per category."""

    MATCHES = "matches", "Matches and introductions"
    MEETINGS = "meetings", "Meetings and reminders"
    NUDGES = "nudges", "Nudges and check-ins"
    SURVEYS = "surveys", "Surveys"
    PROGRAM_NEWS = "program_news", "Program news"
    ACCOUNT = "account", "Account (invitations, password resets)"


class Status(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    HELD = "held", "Held for the weekly digest"
    DIGESTED = "digested", "Sent in a digest"


class OutboxMessage(models.Model):
    """A notification written in the same transaction as the event that caused it.

    The worker delivers it later, with retries and exponential backoff. ``(event_key, recipient,
    channel)`` is unique, so re-running the code that emits an event cannot send a second copy.
    """

    event_key = models.CharField(max_length=200)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    recipient = models.CharField(max_length=320)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=60, db_index=True)
    category = models.CharField(
        max_length=20, choices=Category.choices, default=Category.ACCOUNT, db_index=True
    )
    payload = models.JSONField(default=dict, blank=True)  # the channel-rendered message
    fallback_reason = models.CharField(max_length=200, blank=True)
    remote_id = models.CharField(max_length=200, blank=True)  # e.g. Slack "channel:ts"
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    attachments = models.JSONField(default=list, blank=True)
    # Rendered when sent (tandem.notify.outbox.deferred_email): subject and bodies stay blank
    # until then; the renderer's name and its JSON context (ids, flags) say what to write.
    render_with = models.CharField(max_length=60, blank=True)
    render_context = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_key", "recipient", "channel"], name="outbox_one_per_event"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient} ({self.status})"

    @property
    def message_id(self) -> str:
        """Stable across retries, so a receiving system can recognise a re-delivery."""
        host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
        return f"<outbox-{self.pk}@{host or 'tandem'}>"


class DeliveryChoice(models.TextChoices):
    EMAIL = "email", "Email"
    SLACK = "slack", "Slack"
    TEAMS = "teams", "Microsoft Teams"
    OFF = "off", "Off"


class LowPriority(models.TextChoices):
    IMMEDIATE = "immediate", "As they happen"
    WEEKLY = "weekly", "In a weekly digest"


class NotificationPreference(models.Model):
    """How and when one person wants to be told. No row means the defaults: every category by
    email, any day, any hour, low-priority kinds as they happen.

    notify sits below people, so the person's time zone is not here: people registers a lookup
    (``tandem.notify.preferences.register_zone_lookup``) and quiet hours are read in that zone.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    channels = models.JSONField(default=dict, blank=True)  # category -> DeliveryChoice
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    working_days = models.JSONField(default=list, blank=True)  # 0 = Monday … 6; [] = every day
    low_priority = models.CharField(
        max_length=10, choices=LowPriority.choices, default=LowPriority.IMMEDIATE
    )
    paused_until = models.DateField(null=True, blank=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"notification preferences of user {self.user_id}"

"""What Tandem remembers about Slack: who is who, what came in, where intros were posted and which
rotation program follows which channel."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.timezone import now


class SlackIdentity(models.Model):
    """A Tandem user's Slack member id, found by email (``users.lookupByEmail``).

    ``slack_user_id`` is empty when the last look-up found nobody; ``checked_at`` says when we
    last asked, so a stale answer is asked again (the directory changes, people join Slack).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="slack_identity"
    )
    slack_user_id = models.CharField(max_length=32, blank=True, db_index=True)
    email_checked = models.CharField(max_length=320, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=100, blank=True, help_text="Slack's error code, if any.")

    class Meta:
        verbose_name_plural = "Slack identities"

    def __str__(self) -> str:
        return f"{self.user_id} → {self.slack_user_id or 'not found'}"

    @property
    def found(self) -> bool:
        return bool(self.slack_user_id)


class InboundKind(models.TextChoices):
    EVENT = "event", "Event"
    INTERACTION = "interaction", "Interaction"
    COMMAND = "command", "Slash command"


class InboundStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    WORKING = "working", "Being handled"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    IGNORED = "ignored", "Ignored"


class SlackInbound(models.Model):
    """One request from Slack, stored once under Slack's own id (event_id, or trigger_id/action
    timestamp for interactions and commands) so a retry finds it and does nothing twice."""

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=12, choices=InboundKind.choices)
    payload = models.JSONField()
    status = models.CharField(
        max_length=8, choices=InboundStatus.choices, default=InboundStatus.QUEUED
    )
    retries_seen = models.PositiveSmallIntegerField(default=0)
    result = models.TextField(blank=True)
    received_at = models.DateTimeField(default=now)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} ({self.status})"


class SlackConversation(models.Model):
    """The group conversation (MPIM or DM) opened for one relationship, and its intro message."""

    relationship_id = models.PositiveBigIntegerField(unique=True)
    channel_id = models.CharField(max_length=32)
    intro_ts = models.CharField(max_length=32, blank=True)
    opened_at = models.DateTimeField(default=now)

    def __str__(self) -> str:
        return f"relationship {self.relationship_id} → {self.channel_id}"


class SlackChannelLink(models.Model):
    """A coffee-rotation program that follows a Slack channel: members are enrolled, leavers
    withdrawn, and rounds start at ``post_time`` in ``timezone`` on days the cadence is due."""

    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, related_name="slack_link"
    )
    channel_id = models.CharField(max_length=32)
    channel_name = models.CharField(max_length=100, blank=True)
    post_time = models.TimeField(default=dt.time(10, 0))
    timezone = models.CharField(max_length=64, default="UTC")
    last_synced_at = models.DateTimeField(null=True, blank=True)
    last_sync_summary = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel_id"], name="one_program_per_slack_channel")
        ]

    def __str__(self) -> str:
        return f"{self.program_id} ⇄ {self.channel_id}"

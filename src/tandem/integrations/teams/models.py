"""What Tandem remembers about Teams: who is who, what came in, where intros and cards were
posted (so a button press can update its card in place)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.timezone import now


class TeamsIdentity(models.Model):
    """A Tandem user's Entra object id, found by email/UPN through Graph, and the 1:1 chat
    between the bot and them once Tandem is installed for them.

    ``aad_object_id`` is empty when the last look-up found nobody; ``checked_at`` says when we
    last asked, so a stale answer is asked again.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="teams_identity"
    )
    aad_object_id = models.CharField(max_length=64, blank=True, db_index=True)
    upn = models.CharField(max_length=320, blank=True)
    email_checked = models.CharField(max_length=320, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=100, blank=True, help_text="Microsoft's error code.")
    chat_id = models.CharField(max_length=300, blank=True)  # the bot's 1:1 chat with them
    service_url = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name_plural = "Teams identities"

    def __str__(self) -> str:
        return f"{self.user_id} → {self.aad_object_id or 'not found'}"

    @property
    def found(self) -> bool:
        return bool(self.aad_object_id)


class TeamsInboundStatus(models.TextChoices):
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    IGNORED = "ignored", "Ignored"


class TeamsInbound(models.Model):
    """One activity from Teams, stored once under its conversation and activity id: a retry
    gets the stored answer and changes nothing."""

    key = models.CharField(max_length=400, unique=True)
    kind = models.CharField(max_length=40)
    payload = models.JSONField()
    status = models.CharField(
        max_length=8, choices=TeamsInboundStatus.choices, default=TeamsInboundStatus.IGNORED
    )
    result = models.TextField(blank=True)
    response = models.JSONField(null=True, blank=True)  # the invoke answer, for a retry
    retries_seen = models.PositiveSmallIntegerField(default=0)
    received_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} ({self.status})"


class TeamsConversation(models.Model):
    """The group chat created (Graph ``POST /chats``) for one relationship, and its intro."""

    relationship_id = models.PositiveBigIntegerField(unique=True)
    chat_id = models.CharField(max_length=300)
    service_url = models.CharField(max_length=300)
    intro_activity_id = models.CharField(max_length=200, blank=True)
    opened_at = models.DateTimeField(default=now)

    def __str__(self) -> str:
        return f"relationship {self.relationship_id} → {self.chat_id}"


class TeamsCard(models.Model):
    """A card the bot posted, as it looks now: a button press answers with this card updated."""

    conversation_id = models.CharField(max_length=300)
    activity_id = models.CharField(max_length=200)
    service_url = models.CharField(max_length=300)
    card = models.JSONField()
    group = models.BooleanField(default=False)
    posted_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation_id", "activity_id"], name="one_teams_card_per_activity"
            )
        ]

    def __str__(self) -> str:
        return f"card {self.activity_id} in {self.conversation_id}"


class TeamsTeamLink(models.Model):
    """A coffee-rotation program that follows a Teams team: its members are the program's
    enrolment (synced before each round), rounds start at ``post_time`` in ``timezone``, and a
    summary of each round is posted to ``channel_id``."""

    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, related_name="teams_link"
    )
    team_id = models.CharField(max_length=64)  # the team's group id (a GUID)
    channel_id = models.CharField(max_length=300)  # 19:…@thread.tacv2
    channel_name = models.CharField(max_length=100, blank=True)
    post_time = models.TimeField(default=dt.time(10, 0))
    timezone = models.CharField(max_length=64, default="UTC")
    last_synced_at = models.DateTimeField(null=True, blank=True)
    last_sync_summary = models.CharField(max_length=300, blank=True)
    summary_run_id = models.PositiveBigIntegerField(null=True, blank=True)  # last one posted
    created_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team_id"], name="one_program_per_teams_team")
        ]

    def __str__(self) -> str:
        return f"{self.program_id} ⇄ team {self.team_id}"

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.timezone import now

from tandem.people.models import Person
from tandem.programs.models import EnrolmentRole, Program


class RelationshipStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACTIVE = "active", "Active"
    DECLINED = "declined", "Declined"
    ENDED = "ended", "Ended"


LIVE_STATUSES = (RelationshipStatus.PROPOSED, RelationshipStatus.ACTIVE)


class EndReason(models.TextChoices):
    DECLINED = "declined", "Declined by a participant"
    REPAIR = "repair", "Re-paired at a participant's request"
    COORDINATOR = "coordinator", "Ended by the coordinator"
    PROGRAM_ENDED = "program_ended", "The program ended"
    LEFT = "left", "A participant left the organisation"
    ROUND_ENDED = "round_ended", "The rotation round ended"
    COMPLETED = "completed", "Completed early by the pair"


class Relationship(models.Model):
    """A published match: a pair, a trio, a circle or a mentor with a mentee."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="relationships")
    run = models.ForeignKey(
        "matches.MatchRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    round = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=RelationshipStatus.choices, default=RelationshipStatus.PROPOSED
    )
    score = models.FloatField(default=0)
    explanation = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=now)
    activated_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    end_note = models.TextField(
        blank=True, help_text="Kept for the coordinator; never shown to partners."
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["program", "status"])]

    def __str__(self) -> str:
        return f"Relationship {self.pk} in {self.program_id}"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES


class Membership(models.Model):
    """One person in a relationship, with what the match offers them and their answer to it."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(
        max_length=10, choices=EnrolmentRole.choices, default=EnrolmentRole.PEER
    )
    explanation = models.JSONField(default=list, blank=True)
    respond_by = models.DateField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(
        blank=True, help_text="Optional; seen by coordinators, never by the partner."
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["relationship", "id"]
        constraints = [
            models.UniqueConstraint(fields=["relationship", "person"], name="one_membership_each")
        ]
        indexes = [models.Index(fields=["person", "relationship"])]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.relationship_id}"

    @property
    def responded(self) -> bool:
        return self.accepted_at is not None or self.declined_at is not None


class RepairRequest(models.Model):
    """A participant's confidential request to be re-paired; only coordinators see it."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="repair_requests"
    )
    requested_by = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=now)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Re-pair request {self.pk}"

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.timezone import now

from tandem.people.models import Person
from tandem.programs.models import EnrolmentRole, Program


class CriteriaVersion(models.Model):
    """One saved version of a program's matching criteria. Versions are never edited, so every
    match run can name exactly the configuration it used."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="criteria_versions")
    number = models.PositiveIntegerField()
    config = models.JSONField(help_text="The engine's configuration: kind, criteria, constraints.")
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="criteria_version_unique")
        ]

    def __str__(self) -> str:
        return f"v{self.number}"


class PairRuleKind(models.TextChoices):
    LOCK = "lock", "Always together"
    FORBID = "forbid", "Never together"


class PairRule(models.Model):
    """A coordinator's lock (these two must be matched) or forbid (never match these two)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="pair_rules")
    kind = models.CharField(max_length=6, choices=PairRuleKind.choices)
    first = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["program", "first", "second"], name="one_rule_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.first_id}+{self.second_id}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Ready for review"
    FAILED = "failed", "Failed"
    PUBLISHED = "published", "Published"
    DISCARDED = "discarded", "Discarded"


class RunPurpose(models.TextChoices):
    MATCH = "match", "Matching"
    REMATCH = "rematch", "Re-matching the pool"
    ROTATION = "rotation", "Rotation round"
    BUDDIES = "buddies", "New-hire buddies"


class MatchRun(models.Model):
    """One run of the engine on a program's enrolments with one criteria version.

    Its proposals are written in the same transaction that marks it done, so a run whose worker
    died never shows a partial result; it stays "running" until it is retried or discarded.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="runs")
    criteria = models.ForeignKey(CriteriaVersion, on_delete=models.PROTECT, related_name="runs")
    purpose = models.CharField(max_length=10, choices=RunPurpose.choices, default=RunPurpose.MATCH)
    label = models.CharField(max_length=60, blank=True)
    round = models.PositiveIntegerField(null=True, blank=True)
    seed = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.FloatField(default=0)
    phase = models.CharField(max_length=100, blank=True)
    participants = models.PositiveIntegerField(default=0)
    stats = models.JSONField(default=dict, blank=True)
    notes = models.JSONField(default=list, blank=True)
    check_problems = models.JSONField(
        default=list,
        blank=True,
        help_text="Rules the solution breaks, found by the engine's own check after solving.",
    )
    error = models.TextField(blank=True)
    rules = models.JSONField(default=dict, blank=True, help_text="Locks and forbids used.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Run {self.pk} of {self.program_id} ({self.status})"


class Proposal(models.Model):
    """A proposed pair or group of one run, with its score and explanation."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="proposals")
    score = models.FloatField()
    min_pair_score = models.FloatField(default=0)
    explanation = models.JSONField(default=list)
    factors = models.JSONField(default=list)
    locked = models.BooleanField(default=False)
    edited = models.BooleanField(default=False, help_text="Changed by a coordinator's swap.")
    joins = models.ForeignKey(
        "relationships.Relationship",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Re-matching: the live pair this proposal's person joins as a third member.",
    )

    class Meta:
        ordering = ["score", "id"]

    def __str__(self) -> str:
        return f"Proposal {self.pk} ({self.score:.2f})"


class ProposalMember(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(
        max_length=10, choices=EnrolmentRole.choices, default=EnrolmentRole.PEER
    )
    explanation = models.JSONField(default=list, help_text="What the match offers this person.")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "person"], name="proposal_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in proposal {self.proposal_id}"


class UnmatchedPerson(models.Model):
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="unmatched")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.person_id} unmatched in {self.run_id}"


class RotationStanding(models.Model):
    """A person's place in a coffee rotation between rounds: snoozed (skip the next rounds or
    until a date), or first in line after sitting a round out."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    skip_rounds = models.PositiveSmallIntegerField(default=0)
    paused_until = models.DateField(null=True, blank=True)
    first_in_line = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "person"], name="one_standing_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in rotation {self.program_id}"

    def snoozed(self, today: date) -> bool:
        return self.skip_rounds > 0 or (self.paused_until is not None and today < self.paused_until)

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.timezone import now

MIN_LEVEL, MAX_LEVEL = 1, 8


class Department(models.Model):
    """A department as the HR system names it; created on import."""

    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Skill(models.Model):
    """The skills vocabulary. ``synonyms`` map how people write a skill onto one name."""

    name = models.CharField(max_length=100, unique=True)
    category = models.CharField(max_length=100, blank=True)
    synonyms = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PersonStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    LEFT = "left", "Left"


class Person(models.Model):
    """Someone in the organisation's directory, usually from the HR export.

    Every person has a user account; it cannot sign in until the person accepts an invitation.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person"
    )
    employee_id = models.CharField(max_length=64, blank=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    team = models.CharField(max_length=200, blank=True)
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    job_title = models.CharField(max_length=200, blank=True)
    level = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_LEVEL), MaxValueValidator(MAX_LEVEL)],
        help_text="Career level, 1 (entry) to 8 (most senior).",
    )
    location = models.CharField(max_length=200, blank=True)
    timezone = models.CharField(max_length=64, default="UTC")
    languages = models.JSONField(default=list, blank=True, help_text="ISO 639 language codes.")
    hire_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=PersonStatus.choices, default=PersonStatus.ACTIVE, db_index=True
    )
    left_on = models.DateField(null=True, blank=True)
    work_start = models.TimeField(default=dt.time(9, 0))
    work_end = models.TimeField(default=dt.time(17, 0))
    skills = models.ManyToManyField(Skill, blank=True, related_name="offered_by")
    learning = models.ManyToManyField(Skill, blank=True, related_name="wanted_by")
    goals = models.TextField(blank=True, help_text="What the person wants to grow in.")
    updated_at = models.DateTimeField(default=now)
    last_import = models.ForeignKey(
        "ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "people"
        ordering = ["user__name"]
        indexes = [models.Index(fields=["department", "level"])]

    def __str__(self) -> str:
        return self.user.name

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def is_active(self) -> bool:
        return self.status == PersonStatus.ACTIVE


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", "Uploaded, not imported"
    APPLIED = "applied", "Imported"
    DISCARDED = "discarded", "Discarded"


class ImportBatch(models.Model):
    """One HR file: uploaded, previewed with a column mapping, then applied in one transaction.

    The file's bytes are kept only until it is applied or discarded.
    """

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    source = models.CharField(max_length=10, default="web")  # web, api, cli
    file_name = models.CharField(max_length=255)
    file_size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField(null=True, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    full_export = models.BooleanField(default=False)
    send_invitations = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    row_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"


class ErasureStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    DONE = "done", "Carried out"
    CANCELLED = "cancelled", "Cancelled"


class ErasureRequest(models.Model):
    """A request to erase a person's data: by the person (self-service) or an admin.

    An admin carries it out, or the periodic job does once ``due_at`` (the grace period) has
    passed. Afterwards only the pseudonym is left here: the person row it points at has no
    personal field any more.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="erasure_requests")
    status = models.CharField(
        max_length=10, choices=ErasureStatus.choices, default=ErasureStatus.REQUESTED
    )
    requested_at = models.DateTimeField(default=now)
    requested_by_self = models.BooleanField(default=True)
    due_at = models.DateTimeField(help_text="Carried out by itself from this moment on.")
    done_at = models.DateTimeField(null=True, blank=True)
    pseudonym = models.CharField(max_length=40, blank=True)
    report = models.JSONField(default=dict, blank=True, help_text="Rows removed per table.")

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status="requested"),
                name="one_open_erasure_request",
            )
        ]

    def __str__(self) -> str:
        return f"erasure request {self.pk}"


class RetentionSetting(models.Model):
    """How many days one category of data is kept (``core.personal_data`` categories); set by an
    admin. A category without a row uses its documented default; ``days`` empty = kept."""

    category = models.CharField(max_length=40, unique=True)
    days = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["category"]

    def __str__(self) -> str:
        return f"{self.category}: {self.days}"

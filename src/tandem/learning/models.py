"""The resource library (articles, links, files) and the trainings and agreements a program can
require before someone enters its matching pool."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.timezone import now

from tandem.people.models import Person, Skill
from tandem.programs.models import Program


class Audience(models.TextChoices):
    """Whom an item is written for: it decides where Tandem suggests it, not who may read it."""

    EVERYONE = "everyone", "Everyone"
    MENTOR = "mentor", "Mentors (the mentor hat)"
    MENTEE = "mentee", "Mentees (the mentee hat)"


class Stage(models.TextChoices):
    """The moments of a relationship an item helps with."""

    BEFORE_KICKOFF = "before_kickoff", "Before the kickoff"
    FIRST_MONTH = "first_month", "The first month"
    CLOSING = "closing", "Closing"


class ResourceKind(models.TextChoices):
    ARTICLE = "article", "Article"
    LINK = "link", "Link"
    FILE = "file", "File"


class Resource(models.Model):
    """An item of the library: organisation-wide (``program`` empty) or one program's."""

    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.CASCADE, related_name="resources"
    )
    kind = models.CharField(max_length=10, choices=ResourceKind.choices)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True, help_text="Markdown (articles).")
    url = models.URLField(max_length=500, blank=True)
    file_name = models.CharField(max_length=200, blank=True, help_text="As uploaded.")
    stored_name = models.CharField(max_length=64, blank=True, help_text="Name on disk.")
    content_type = models.CharField(max_length=100, blank=True)
    file_size = models.PositiveIntegerField(default=0)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.EVERYONE)
    skills = models.ManyToManyField(Skill, blank=True, related_name="+")
    stages = models.JSONField(default=list, blank=True)
    starter_key = models.CharField(
        max_length=50, blank=True, help_text="Set on items of the starter library (loaded once)."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["program", "archived_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def stage_labels(self) -> list[str]:
        labels = dict(Stage.choices)
        return [labels.get(s, s) for s in self.stages]


class ResourceView(models.Model):
    """Someone opened an item (once per person: use is counted in distinct readers)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="views")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    first_seen_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resource", "person"], name="one_view_per_reader")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} read {self.resource_id}"


class HelpfulMark(models.Model):
    """A reader found the item helpful."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="helpful")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resource", "person"], name="one_helpful_per_reader")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} found {self.resource_id} helpful"


class TrainingKind(models.TextChoices):
    MODULE = "module", "Training module"
    AGREEMENT = "agreement", "Agreement to acknowledge"


class Training(models.Model):
    """A short module (text or a video, then a few questions with a pass mark) or an agreement
    (code of conduct, confidentiality, partnership agreement) a person acknowledges."""

    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.CASCADE, related_name="trainings"
    )
    kind = models.CharField(max_length=10, choices=TrainingKind.choices)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField(help_text="Markdown: the module's sections, or the agreement's text.")
    video_url = models.URLField(max_length=500, blank=True)
    pass_mark = models.PositiveSmallIntegerField(
        default=80, help_text="Modules: the share of right answers needed, in percent."
    )
    minutes = models.PositiveSmallIntegerField(default=10, help_text="About how long it takes.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_module(self) -> bool:
        return self.kind == TrainingKind.MODULE


class TrainingQuestion(models.Model):
    """One multiple-choice question of a module; ``correct`` indexes ``choices``."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300)
    choices = models.JSONField(default=list)
    correct = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text[:50]


class RequirementRole(models.TextChoices):
    EVERYONE = "", "Everyone"
    MENTORS = "mentor", "Mentors and buddies only"
    MENTEES = "mentee", "Mentees and new hires only"


class Requirement(models.Model):
    """A program asks for this training before a person enters its matching pool."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="requirements")
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="requirements")
    role = models.CharField(
        max_length=10, choices=RequirementRole.choices, default=RequirementRole.EVERYONE, blank=True
    )
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "training"], name="one_requirement_each")
        ]

    def __str__(self) -> str:
        return f"{self.program_id} requires {self.training_id}"


class Completion(models.Model):
    """A person's progress on a training: attempts so far, and when they passed or
    acknowledged (``completed_at``)."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="completions")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(default=now)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_score = models.PositiveSmallIntegerField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["training", "person"], name="one_completion_each")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} on {self.training_id}"

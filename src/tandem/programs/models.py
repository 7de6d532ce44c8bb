from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.timezone import now

from tandem.people.models import Department, Person
from tandem.programs.questionnaire.base import QuestionBase


class ProgramKind(models.TextChoices):
    PEER_PAIRS = "peer_pairs", "Peer pairs"
    MENTOR_MENTEE = "mentor_mentee", "Mentor and mentee"
    CIRCLES = "circles", "Peer circles"
    COFFEE_ROTATION = "coffee_rotation", "Coffee rotation"
    ONBOARDING_BUDDY = "onboarding_buddy", "Onboarding buddies"


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ENROLLING = "enrolling", "Enrolling"
    MATCHING = "matching", "Matching"
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "Every week"
    BIWEEKLY = "biweekly", "Every two weeks"
    MONTHLY = "monthly", "Every month"


MEETING_FORMATS = [
    ("video", "Video call"),
    ("in_person", "In person"),
    ("phone", "Phone"),
    ("walk", "Walk and talk"),
]

KPI_CHOICES = [
    ("signups", "Sign-ups over time"),
    ("match_rate", "Match rate"),
    ("time_to_first_meeting", "Time from match to first meeting"),
    ("meetings_held", "Meetings held per pair"),
    ("goal_completion", "Goal completion"),
    ("skill_growth", "Self-rated skill growth"),
    ("satisfaction", "Satisfaction (NPS)"),
    ("retention", "Retention vs. non-participants"),
    ("cross_department", "Cross-department pairs"),
    ("reciprocity", "Reciprocity balance"),
]


class Program(models.Model):
    """A mentoring program: what it is for, how it runs, who may join and who runs it."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=ProgramKind.choices)
    cohort = models.CharField(max_length=100, blank=True, help_text="e.g. “Spring 2026”.")
    status = models.CharField(
        max_length=12, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT, db_index=True
    )
    description = models.TextField(blank=True)
    objectives = models.TextField(blank=True)
    kpis = models.JSONField(default=list, blank=True)

    cadence = models.CharField(max_length=10, choices=Cadence.choices, default=Cadence.BIWEEKLY)
    duration_months = models.PositiveSmallIntegerField(
        default=6, validators=[MinValueValidator(1), MaxValueValidator(36)]
    )
    hours_per_month = models.DecimalField(max_digits=4, decimal_places=1, default=2)
    meeting_formats = models.JSONField(default=list, blank=True)

    confidentiality = models.TextField(blank=True)
    code_of_conduct = models.TextField(blank=True)
    boundaries = models.TextField(blank=True, help_text="What peer mentoring is not.")
    support_contact = models.TextField(
        blank=True, help_text="Who to turn to for what peer mentoring cannot cover."
    )

    enrolment_opens_on = models.DateField(null=True, blank=True)
    enrolment_closes_on = models.DateField(null=True, blank=True)
    reminder_days = models.JSONField(
        default=list, blank=True, help_text="Days after opening on which to remind, e.g. [7, 14]."
    )
    last_call_days = models.PositiveSmallIntegerField(
        default=2, help_text="Days before the window closes for the last call (0: none)."
    )

    eligible_departments = models.ManyToManyField(Department, blank=True, related_name="+")
    eligible_levels = models.JSONField(default=list, blank=True)
    eligible_locations = models.JSONField(default=list, blank=True)
    eligible_groups = models.JSONField(
        default=list,
        blank=True,
        help_text="Names of directory groups (from SCIM) whose members may join; empty: anyone.",
    )
    hired_within_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Buddies: new hires are people hired this many days ago."
    )
    buddy_min_tenure_days = models.PositiveIntegerField(
        default=180, help_text="Buddies: volunteers must have been here this long."
    )

    partners_per_person = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    capacity_cap = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="The most partners (or mentees) anyone may ask for: prevents burn-out.",
    )
    group_size = models.PositiveSmallIntegerField(
        default=4, validators=[MinValueValidator(3), MaxValueValidator(6)]
    )
    allow_trio = models.BooleanField(
        default=True, help_text="Peer pairs: place an odd one out in a trio."
    )
    both_must_accept = models.BooleanField(
        default=True,
        help_text="A match starts only when everyone in it accepts; otherwise it starts at once "
        "and anyone may still decline.",
    )
    response_days = models.PositiveSmallIntegerField(
        default=5, help_text="Days to accept or decline a match before a reminder is sent."
    )
    agenda_templates = models.JSONField(
        default=dict,
        blank=True,
        help_text="Agenda items per meeting kind (kickoff, regular, midpoint, closing).",
    )
    inactivity_warning_days = models.PositiveSmallIntegerField(
        default=60, help_text="Days without a meeting before the pair gets a gentle warning."
    )
    inactivity_alert_days = models.PositiveSmallIntegerField(
        default=7, help_text="Days after that warning before the coordinators are alerted."
    )
    meeting_grace_days = models.PositiveSmallIntegerField(
        default=7, help_text="Days past the cadence before a meeting counts as overdue."
    )
    repeat_cooldown_rounds = models.PositiveSmallIntegerField(
        default=3, help_text="Rotations: rounds before the same two people may meet again."
    )

    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="coordinated_programs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.cohort})" if self.cohort else self.name

    @property
    def meeting_format_labels(self) -> list[str]:
        labels = dict(MEETING_FORMATS)
        return [labels.get(code, code) for code in self.meeting_formats]

    @property
    def has_roles(self) -> bool:
        return self.kind in (ProgramKind.MENTOR_MENTEE, ProgramKind.ONBOARDING_BUDDY)


class QuestionKind(models.TextChoices):
    SKILLS_OFFERED = "skills_offered", "Skills I can offer"
    SKILLS_WANTED = "skills_wanted", "Skills I want to grow"
    GOALS = "goals", "Goals (free text)"
    LEVEL = "level", "Career level"
    DEPARTMENT = "department", "Department"
    TIMEZONE = "timezone", "Time zone"
    LANGUAGES = "languages", "Languages"
    AVAILABILITY = "availability", "Availability windows"
    MEETING_FORMAT = "meeting_format", "Meeting format"
    LEARNING_STYLE = "learning_style", "Learning style"
    INTERESTS = "interests", "Interests"
    BACKGROUND = "background", "Background (opt-in, self-described)"
    PREFERRED_PEERS = "preferred_peers", "Up to 3 preferred peers"
    AVOID_PEERS = "avoid_peers", "People I would rather not be matched with (private)"
    ROLE = "role", "Mentor or mentee"
    CHOICE = "choice", "Custom: one choice"
    MULTI_CHOICE = "multi_choice", "Custom: several choices"
    TEXT = "text", "Custom: short text"


# Answers to these never leave their owner, except into the matching engine.
PRIVATE_KINDS = frozenset({QuestionKind.BACKGROUND, QuestionKind.AVOID_PEERS})


class Question(QuestionBase):
    """One enrolment question. Its kind decides the input and the matching field it feeds."""

    PROMPT_FIELD = "label"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(max_length=20, choices=QuestionKind.choices)
    key = models.SlugField(
        max_length=50, help_text="The matching field this answer fills, e.g. “skills_offered”."
    )
    label = models.CharField(max_length=300)
    max_choices = models.PositiveSmallIntegerField(null=True, blank=True)
    consent_text = models.TextField(blank=True)
    show_if = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="dependents"
    )
    show_if_values = models.JSONField(default=list, blank=True)

    class Meta(QuestionBase.Meta):
        constraints = [
            models.UniqueConstraint(fields=["program", "key"], name="question_key_unique")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_private(self) -> bool:
        return self.kind in PRIVATE_KINDS


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", "Enrolled"
    WITHDRAWN = "withdrawn", "Withdrawn"


class EnrolmentRole(models.TextChoices):
    PEER = "peer", "Peer"
    MENTOR = "mentor", "Mentor"
    MENTEE = "mentee", "Mentee"
    BUDDY = "buddy", "Buddy"
    NEW_HIRE = "new_hire", "New hire"


class EnrolmentSource(models.TextChoices):
    SELF = "self", "Enrolled themselves"
    IMPORT = "import", "Imported by a coordinator"


class Enrolment(models.Model):
    """A person's sign-up to a program, with the guidelines they accepted."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="enrolments")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="enrolments")
    status = models.CharField(
        max_length=10, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ACTIVE
    )
    role = models.CharField(
        max_length=10, choices=EnrolmentRole.choices, default=EnrolmentRole.PEER
    )
    capacity = models.PositiveSmallIntegerField(default=1)
    accepted_guidelines_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Empty for people a coordinator enrolled from a spreadsheet, until they accept.",
    )
    source = models.CharField(
        max_length=10, choices=EnrolmentSource.choices, default=EnrolmentSource.SELF
    )
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    first_matched_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the person's first match in the program was published.",
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["program", "person"], name="one_enrolment_per_program")
        ]
        # created_at last: the dashboard's retention cohorts read the median sign-up date as
        # the middle row in date order, which this index walks instead of sorting 100,000 rows.
        indexes = [models.Index(fields=["program", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.person} in {self.program}"


class Answer(models.Model):
    """An answer coordinators may see (skills, goals, level …)."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    value = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "question"], name="one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question.key}={self.value!r}"


class PrivateAnswer(models.Model):
    """An answer only its owner and the matching engine may read: background attributes and
    the "please not" list. Kept apart from ``Answer`` so no list or export can include it."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="private_answers"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    value = models.JSONField()
    consented_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "question"], name="one_private_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"private answer {self.pk}"


class SignupDay(models.Model):
    """Sign-ups and withdrawals per program and day: the program's popularity over time."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="signup_days")
    day = models.DateField()
    signups = models.PositiveIntegerField(default=0)
    withdrawals = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["program", "day"], name="signup_day_unique")]

    def __str__(self) -> str:
        return f"{self.program_id} {self.day}: +{self.signups} −{self.withdrawals}"


class OptOut(models.Model):
    """Someone who said "not interested": no invitation reminders for this program."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="opt_outs")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["program", "person"], name="opt_out_unique")]

    def __str__(self) -> str:
        return f"{self.person_id} opted out of {self.program_id}"


class NamedInvitation(models.Model):
    """Someone a coordinator picked by name: eligible whatever the program's filters say, and
    invited to enrol like everyone else."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="named")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="named_invitations")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(default=now)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-invited_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "person"], name="named_invitation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} invited to {self.program_id}"


class ReminderSent(models.Model):
    """Which scheduled mailing (invitation, reminder on day N, last call) a program has done."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="reminders_sent")
    key = models.CharField(max_length=40)
    sent_at = models.DateTimeField(default=now)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["program", "key"], name="reminder_once")]

    def __str__(self) -> str:
        return f"{self.program_id}:{self.key}"


class CohortUpload(models.Model):
    """A spreadsheet of enrolments kept between its preview and the coordinator's go-ahead."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="cohort_uploads")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    file_name = models.CharField(max_length=255)
    content = models.BinaryField()
    created_at = models.DateTimeField(default=now)
    applied_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.file_name

"""Surveys with real anonymity.

Who was asked and who has answered lives in ``Participation`` (person, dates only). What was
answered lives in ``Response``/``ResponseAnswer``, which have no column that refers to a person:
random UUID keys (no insertion order), no submission time on anonymous responses, and only a few
coarse grouping attributes for breakdowns. An *attributed* survey links a response to its author
through the separate ``AttributedResponse`` table, so the anonymous schema has no person column at
all. See ``docs/feedback.md`` for the design and its limits.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.timezone import now

from tandem.people.models import Person, Skill
from tandem.privacy import DEFAULT_THRESHOLDS, SITE_FLOORS
from tandem.programs.models import Program
from tandem.programs.questionnaire.base import QuestionBase


class SurveyKind(models.TextChoices):
    KICKOFF_PULSE = "kickoff_pulse", "Kickoff pulse"
    CHECKIN = "checkin", "Periodic check-in"
    MIDPOINT = "midpoint", "Mid-point review"
    END_OF_PROGRAM = "end_of_program", "End-of-program evaluation"
    CUSTOM = "custom", "Custom survey"


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Anchor(models.TextChoices):
    START = "start", "after the first match started"
    END = "end", "after the program's planned end"


class Survey(models.Model):
    """One round of questions to a program's participants, with its anonymity rules.

    ``k_scores``/``k_comments`` and ``anonymous`` are frozen once the survey opens. A recurring
    survey (``repeat_every_days``) is a series of waves: each wave is its own ``Survey`` sharing
    ``series``; the next wave is scheduled when one opens.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="surveys")
    kind = models.CharField(max_length=20, choices=SurveyKind.choices, default=SurveyKind.CUSTOM)
    title = models.CharField(max_length=200)
    intro = models.TextField(blank=True, help_text="Shown above the questions.")
    anonymous = models.BooleanField(
        default=True,
        help_text="Answers are stored without any link to the person. Cannot change once open.",
    )
    k_scores = models.PositiveSmallIntegerField(
        "Smallest group for scores",
        default=DEFAULT_THRESHOLDS["score"],
        validators=[MaxValueValidator(50)],  # the floor: validate_site_threshold
        help_text="Scores, charts and breakdowns are shown only for groups of at least this "
        "many respondents (at least 5; the site's floor may be higher).",
    )
    k_comments = models.PositiveSmallIntegerField(
        "Smallest group for comments",
        default=DEFAULT_THRESHOLDS["comment"],
        validators=[MaxValueValidator(100)],
        help_text="Free-text comments are shown only when at least this many people wrote one "
        "(at least 10; the site's floor may be higher).",
    )
    breakdowns = models.BooleanField(
        "Allow breakdowns",
        default=True,
        help_text="Record department, level band and role with each response so results can be "
        "broken down once the survey closes (coarsened until every combination is shared by "
        "enough people; small groups are always hidden). Cannot change once open.",
    )
    recoding = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="How the groups stored with the responses were coarsened at close "
        "(tandem.privacy.Recoding); empty while open.",
    )
    status = models.CharField(
        max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT, db_index=True
    )
    anchor = models.CharField(max_length=5, choices=Anchor.choices, default=Anchor.START)
    day_offset = models.SmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(-365), MaxValueValidator(1095)],
        help_text="Open this many days after the anchor (negative: before the planned end).",
    )
    repeat_every_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(7), MaxValueValidator(365)],
        help_text="Open a new wave this many days after each one, until the program's planned end.",
    )
    open_days = models.PositiveSmallIntegerField(
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text="How long each wave stays open.",
    )
    reminder_days = models.JSONField(
        default=list,
        blank=True,
        help_text="Days after opening on which people who have not answered are reminded.",
    )
    series = models.UUIDField(default=uuid.uuid4, editable=False)
    wave = models.PositiveSmallIntegerField(default=1)
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["series", "wave"], name="survey_wave_unique"),
            models.CheckConstraint(
                condition=models.Q(k_scores__gte=SITE_FLOORS["score"])
                & models.Q(k_comments__gte=SITE_FLOORS["comment"]),
                name="survey_site_threshold_floor",
            ),
        ]
        indexes = [models.Index(fields=["program", "status"])]

    def __str__(self) -> str:
        return f"{self.title}, wave {self.wave}" if self.repeat_every_days else self.title

    @property
    def is_editable(self) -> bool:
        """Questions, thresholds and anonymity may change only before anyone can answer."""
        return self.status in (SurveyStatus.DRAFT, SurveyStatus.SCHEDULED)


class QuestionKind(models.TextChoices):
    LIKERT = "likert", "Agreement, 1–5"
    NPS = "nps", "Likelihood to recommend, 0–10"
    SINGLE = "single", "One choice"
    MULTI = "multi", "Several choices"
    TEXT = "text", "Free text"


SCALE_KINDS = (QuestionKind.LIKERT, QuestionKind.NPS)


class Hat(models.TextChoices):
    """In peer mentoring everyone wears both hats; a question may be about one of them."""

    BOTH = "both", "Everyone"
    MENTOR = "mentor", "Mentor hat (when sharing)"
    MENTEE = "mentee", "Mentee hat (when asking)"


class Measure(models.TextChoices):
    """What a question measures, so dashboards can find it in any survey."""

    NONE = "", "—"
    SATISFACTION = "satisfaction", "Satisfaction"
    PROGRAM_NPS = "program_nps", "Would recommend the program"
    PARTNER_RECOMMEND = "partner_recommend", "Would recommend their partner"
    CULTURE = "culture", "Culture"
    SKILL_BEFORE = "skill_before", "Skill before the program (self-rated)"
    SKILL_AFTER = "skill_after", "Skill now (self-rated)"
    USEFULNESS = "usefulness", "Usefulness of conversations"
    RECIPROCITY = "reciprocity", "Two-way balance"
    MEETING_FREQUENCY = "meeting_frequency", "Meeting frequency"
    CLARITY = "clarity", "Clarity of guidelines"
    EXPECTATIONS = "expectations", "Clear expectations"
    CONFIDENCE = "confidence", "Confidence"
    PROGRESS = "progress", "Progress toward goals"
    CONTINUE = "continue", "Wants to continue"


class SurveyQuestion(QuestionBase):
    """One question. ``hat`` narrows who sees it in mentor/mentee programs; ``skill`` makes it a
    self-rating shown only to people who wanted to grow that skill."""

    PROMPT_FIELD = "text"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    text = models.CharField(max_length=500)
    hat = models.CharField(max_length=10, choices=Hat.choices, default=Hat.BOTH)
    measure = models.CharField(max_length=20, choices=Measure.choices, blank=True)
    skill = models.ForeignKey(
        Skill, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    required = models.BooleanField(default=True)

    class Meta(QuestionBase.Meta):
        pass

    def __str__(self) -> str:
        return self.text


class Participation(models.Model):
    """Who was invited to a survey and whether they have answered — never what they answered.

    Dates only: no time of day that could be lined up with anything else. There is no reference
    to a response, and responses have none to this table.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="participations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    invited_on = models.DateField()
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_on = models.DateField(null=True, blank=True)
    responded_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "person"], name="one_participation_each")
        ]
        indexes = [models.Index(fields=["survey", "responded_on"])]

    def __str__(self) -> str:
        return f"{self.person_id} in survey {self.survey_id}"


class LevelBand(models.TextChoices):
    EARLY = "1-2", "Levels 1–2"
    MID = "3-4", "Levels 3–4"
    SENIOR = "5-6", "Levels 5–6"
    LEAD = "7-8", "Levels 7–8"
    # the wider bands a closed survey's responses may be coarsened to (tandem.privacy.recoding)
    EARLY_MID = "1-4", "Levels 1–4"
    SENIOR_LEAD = "5-8", "Levels 5–8"


def level_band(level: int | None) -> str:
    """The band of a career level (1–8): coarse enough for breakdowns."""
    if level is None or not 1 <= level <= 8:
        return ""
    return (LevelBand.EARLY, LevelBand.MID, LevelBand.SENIOR, LevelBand.LEAD)[(level - 1) // 2]


class Response(models.Model):
    """One set of answers. No person, user, enrolment, membership or participation column.

    The primary key is a random UUID so neither ids nor their order say who answered first.
    ``submitted_on`` is the day for attributed surveys and empty for anonymous ones (a shared day
    would let a day with one participant be lined up with the participation table). The grouping
    attributes are empty while the survey is open (the fine groups are sealed in
    ``sealed_groups``); at close they are coarsened together until every combination is shared by
    at least ``k_scores`` responses and the sealed copies are erased (``feedback.services.groups``).
    Each submission to an anonymous survey rewrites the survey's responses in a random order with
    new ids (``feedback.services.answers``), so the physical order (SQLite's rowid, PostgreSQL's
    ctid) says nothing about who answered when.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    submitted_on = models.DateField(null=True, blank=True)
    department = models.CharField(max_length=200, blank=True)
    level_band = models.CharField(max_length=3, choices=LevelBand.choices, blank=True)
    role = models.CharField(max_length=10, blank=True)
    sealed_groups = models.TextField(
        blank=True, editable=False, help_text="Fine groups, encrypted, until the survey closes."
    )
    released = models.BooleanField(
        default=False,
        help_text="Part of the results while the survey is open: responses are released in "
        "batches of at least k_scores, and all of them when it closes.",
    )

    def __str__(self) -> str:
        return f"Response to survey {self.survey_id}"


class ResponseAnswer(models.Model):
    """The answer to one question: a number (Likert/NPS), choices, or text."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    number = models.SmallIntegerField(null=True, blank=True)
    choices = models.JSONField(default=list, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_each")
        ]

    def __str__(self) -> str:
        return f"Answer to question {self.question_id}"


class AttributedResponse(models.Model):
    """Attributed surveys only: who wrote a response. Anonymous responses never get a row."""

    response = models.OneToOneField(
        Response, primary_key=True, on_delete=models.CASCADE, related_name="attribution"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"{self.person_id} wrote {self.response_id}"

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
    LEFT_PROGRAM = "left_program", "A participant left the program"


class Reciprocity(models.TextChoices):
    BALANCED = "balanced", "Balanced"
    LEANING = "leaning", "Leaning"
    ONE_SIDED = "one_sided", "One-sided"


def reciprocity_of(topics: dict[str, int], size: int) -> str:
    """Balanced when the member who brought fewest topics still brought at least 60% of a fair
    share, leaning from 30%, one-sided below; blank with no topics logged."""
    total = sum(topics.values())
    if not total or size < 2:
        return ""
    counts = list(topics.values()) + [0] * max(0, size - len(topics))
    smallest, fair = min(counts) / total, 1 / size
    if smallest >= 0.6 * fair:
        return Reciprocity.BALANCED
    if smallest >= 0.3 * fair:
        return Reciprocity.LEANING
    return Reciprocity.ONE_SIDED


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
    health = models.CharField(max_length=10, default="on_track", db_index=True)
    health_reasons = models.JSONField(default=list, blank=True)
    health_checked_at = models.DateTimeField(null=True, blank=True)
    # Counters kept by the services on every meeting and log change (``services.recount``), so
    # dashboards over a million meetings read one row per relationship instead of aggregating.
    meetings_held = models.PositiveIntegerField(default=0)
    meetings_missed = models.PositiveIntegerField(default=0)
    first_meeting_at = models.DateTimeField(null=True, blank=True)
    last_meeting_at = models.DateTimeField(null=True, blank=True)
    topic_counts = models.JSONField(
        default=dict, blank=True, help_text="Topics each member brought: {person id: count}."
    )
    reciprocity = models.CharField(
        max_length=10,
        choices=Reciprocity.choices,
        blank=True,
        help_text="How evenly the members brought topics; blank until a topic is logged.",
    )
    crosses_departments = models.BooleanField(default=False)

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
    ghosted_at = models.DateTimeField(
        null=True, blank=True, help_text="Left three check-ins in a row unanswered (ghost rule)."
    )
    checkins_paused_until = models.DateTimeField(
        null=True, blank=True, help_text='"Ask me later": no check-ins until then.'
    )
    logs_written = models.PositiveIntegerField(
        default=0, help_text="Meeting logs this member wrote (kept by ``services.recount``)."
    )

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


class Health(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    ATTENTION = "attention", "Needs attention"
    AT_RISK = "at_risk", "At risk"


class MeetingKind(models.TextChoices):
    KICKOFF = "kickoff", "Kickoff"
    REGULAR = "regular", "Regular"
    MIDPOINT = "midpoint", "Mid-point review"
    CLOSING = "closing", "Closing"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    MISSED = "missed", "Missed"
    CANCELLED = "cancelled", "Cancelled"


class MeetingSeries(models.Model):
    """A recurring series on the program cadence; each occurrence is its own meeting."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="series")
    cadence = models.CharField(max_length=10)
    first_start = models.DateTimeField()
    count = models.PositiveSmallIntegerField()
    uid = models.CharField(max_length=120, unique=True)
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=now)

    def __str__(self) -> str:
        return f"{self.cadence} series of {self.relationship_id}"


class Meeting(models.Model):
    """One meeting of a relationship. ``uid`` never changes; ``sequence`` rises on every change,
    so calendar programs update the invitation instead of adding a second one."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="meetings"
    )
    series = models.ForeignKey(
        MeetingSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    kind = models.CharField(max_length=10, choices=MeetingKind.choices, default=MeetingKind.REGULAR)
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    timezone = models.CharField(
        max_length=64, help_text="The organiser's zone, for the invitation."
    )
    location = models.CharField(max_length=200, blank=True)
    video_url = models.URLField(blank=True)
    status = models.CharField(
        max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    uid = models.CharField(max_length=120, unique=True)
    sequence = models.PositiveIntegerField(default=0)
    organiser = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    coordinator_invited = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)
    reminded_at = models.DateTimeField(null=True, blank=True)
    log_prompted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["relationship", "status", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"


class AgendaItem(models.Model):
    """Something to talk about; the pair only (never coordinators, exports or emails)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    added_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.CharField(max_length=500)
    from_template = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["from_template", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:50]


class MeetingLog(models.Model):
    """One person's record of a held meeting: topics (and who brought each), takeaways, next
    steps. Visible to the pair only."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="logs")
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    takeaways = models.TextField(blank=True)
    next_steps = models.TextField(blank=True)
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "author"], name="one_log_each")]

    def __str__(self) -> str:
        return f"log of {self.meeting_id} by {self.author_id}"


class LoggedTopic(models.Model):
    """A topic of a meeting and who brought it — who wore the mentee hat for it."""

    log = models.ForeignKey(MeetingLog, on_delete=models.CASCADE, related_name="topics")
    title = models.CharField(max_length=300)
    brought_by = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title[:50]


class PrivateNote(models.Model):
    """Notes for the two (or few) people in the relationship — nobody else, ever: not
    coordinators, not admins, not exports, not emails, not logs."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="notes")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"note {self.pk}"


class GoalStatus(models.TextChoices):
    ACTIVE = "active", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class Goal(models.Model):
    """A SMART goal: specific title, measurable metric and target, relevant why, a target date."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="goals")
    owner = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="owned_goals")
    title = models.CharField(max_length=200)
    why = models.TextField(blank=True)
    metric = models.CharField(max_length=200)
    target = models.CharField(max_length=100)
    target_date = models.DateField()
    skill = models.ForeignKey(
        "people.Skill", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=GoalStatus.choices, default=GoalStatus.ACTIVE)
    progress = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=now)
    closed_at = models.DateTimeField(null=True, blank=True)
    nudged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "target_date"]

    def __str__(self) -> str:
        return self.title


class GoalUpdate(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="updates")
    progress = models.PositiveSmallIntegerField()
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.goal_id}: {self.progress}%"


class Milestone(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


class ConcernKind(models.TextChoices):
    BEYOND_SCOPE = "beyond_scope", "This is beyond peer mentoring"
    CONDUCT = "conduct", "A conduct issue"
    OTHER = "other", "Something else"


class Concern(models.Model):
    """Raised confidentially with the program's coordinators."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="concerns")
    relationship = models.ForeignKey(
        Relationship, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_by = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=ConcernKind.choices)
    text = models.TextField()
    created_at = models.DateTimeField(default=now)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"concern {self.pk}"


class NextStep(models.TextChoices):
    REMATCH = "rematch", "Match me with someone new"
    LEAVE = "leave", "Leave the program"
    STAY = "stay", "Nothing for now"


class ClosingSummary(models.Model):
    membership = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="closing")
    achieved = models.TextField()
    learned = models.TextField()
    would_recommend_partner = models.BooleanField()
    would_do_again = models.BooleanField()
    next_step = models.CharField(max_length=10, choices=NextStep.choices, default=NextStep.STAY)
    created_at = models.DateTimeField(default=now)

    def __str__(self) -> str:
        return f"closing of {self.membership_id}"


class CalendarFeed(models.Model):
    """A private, revocable address a calendar app can subscribe to (only a hash is stored)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"feed {self.pk}"


class Nudge(models.Model):
    """A gentle reminder already sent, so the periodic jobs send each one once."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="nudges")
    key = models.CharField(max_length=80)
    created_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["relationship", "key"], name="nudge_once")]

    def __str__(self) -> str:
        return self.key


class CheckinAnswer(models.TextChoices):
    YES = "yes", "Yes, we met"
    NOT_YET = "not_yet", "Not yet"
    NO = "no", "No"
    RESET = "reset", "Cleared by the ghost-rule answer"


class Checkin(models.Model):
    """ "Did you meet?" asked to one member, after a meeting's time or near the end of a rotation
    round. Unanswered ones in a row drive the ghost rule."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="checkins")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="checkins"
    )
    key = models.CharField(max_length=60)
    asked_at = models.DateTimeField(default=now)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(max_length=10, choices=CheckinAnswer.choices, blank=True)

    class Meta:
        ordering = ["-asked_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "key"], name="one_checkin_per_key")
        ]

    def __str__(self) -> str:
        return f"check-in {self.key} for membership {self.membership_id}"

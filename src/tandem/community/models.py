"""Group sessions (lunch-and-learns, skill-shares, kickoffs, peer-support circles, flash
mentoring) with RSVPs and a waitlist, and a discussion space per program."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.timezone import now

from tandem.programs.models import Program


class SessionKind(models.TextChoices):
    LUNCH_AND_LEARN = "lunch_learn", "Lunch-and-learn"
    SKILL_SHARE = "skill_share", "Skill-share"
    KICKOFF = "kickoff", "Cohort kickoff"
    PEER_SUPPORT = "peer_support", "Mentor peer-support circle"
    FLASH = "flash", "Flash mentoring"


#: Kinds any member of a program may offer; the others are the coordinators' to run.
MEMBER_KINDS = (SessionKind.SKILL_SHARE, SessionKind.FLASH)
FLASH_MINUTES = 30
#: How long after a session its pulse takes answers; results are shown only after that.
PULSE_OPEN = timedelta(days=7)


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


def _uid() -> str:
    return f"session-{uuid.uuid4()}@tandem"


class GroupSession(models.Model):
    """One event of a program (or of the whole organisation when ``program`` is empty).

    ``uid`` stays the same for the life of the session and ``sequence`` goes up on every change
    attendees should see (iTIP), so calendar programs update the event they already hold.
    """

    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.CASCADE, related_name="group_sessions"
    )
    kind = models.CharField(max_length=20, choices=SessionKind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hosted_sessions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    timezone = models.CharField(max_length=64, default="UTC")
    online_url = models.URLField(max_length=500, blank=True)
    place = models.CharField(max_length=200, blank=True)
    min_attendees = models.PositiveSmallIntegerField(default=0)
    capacity = models.PositiveSmallIntegerField(default=20)
    min_deadline = models.DateTimeField(
        null=True, blank=True, help_text="When the host is told if the minimum is not reached."
    )
    min_alert_sent_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    uid = models.CharField(max_length=120, unique=True, default=_uid)
    sequence = models.PositiveIntegerField(default=0)
    pulse_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["program", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after"
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1), name="session_capacity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%Y-%m-%d %H:%M})"

    @property
    def is_flash(self) -> bool:
        return self.kind == SessionKind.FLASH

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED


class RsvpStatus(models.TextChoices):
    GOING = "going", "Going"
    WAITLISTED = "waitlisted", "On the waitlist"
    CANCELLED = "cancelled", "Not going"


class Rsvp(models.Model):
    """One person's answer to a session. The waitlist is first come, first served: ordered by
    ``queued_at``, which is set when the person joins the list."""

    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_rsvps"
    )
    status = models.CharField(max_length=12, choices=RsvpStatus.choices)
    queued_at = models.DateTimeField(default=now)
    attended = models.BooleanField(null=True, blank=True)
    pulse_answered = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["queued_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="one_rsvp_per_person")
        ]
        indexes = [models.Index(fields=["session", "status", "queued_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.session_id}: {self.status}"


class PulseAnswer(models.Model):
    """An anonymous answer to the short pulse after a session: no person and no time, so a host
    cannot match an answer to the last person who left the room."""

    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="pulse")
    rating = models.PositiveSmallIntegerField()  # 1..5, "How useful was this session?"
    comment = models.TextField(blank=True, max_length=2000)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="pulse_rating_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"pulse answer to session {self.session_id}"


# --- discussion ---------------------------------------------------------------------------------


class Thread(models.Model):
    """A conversation in a program's discussion space; its first post is the opening text."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    pinned = models.BooleanField(default=False)
    locked = models.BooleanField(default=False)
    hidden = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=now)
    last_post_at = models.DateTimeField(default=now)
    post_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-pinned", "-last_post_at", "-id"]
        indexes = [models.Index(fields=["program", "pinned", "last_post_at"])]

    def __str__(self) -> str:
        return self.title


class Post(models.Model):
    """One message in a thread, written in Markdown (rendered safely on the way out)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=10_000)
    hidden = models.BooleanField(default=False)
    deleted_at = models.DateTimeField(null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"post {self.pk} in thread {self.thread_id}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Report(models.Model):
    """Someone flagged a post for the program's coordinators."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=now)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["post", "reporter"], name="one_report_per_person")
        ]

    def __str__(self) -> str:
        return f"report on post {self.post_id}"


class NotifyMode(models.TextChoices):
    WEEKLY = "weekly", "A weekly summary"
    EVERY_POST = "every", "Every new post"
    OFF = "off", "Nothing"


class DiscussionFollow(models.Model):
    """How one person hears about new posts in one program (no row: the weekly summary)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mode = models.CharField(max_length=10, choices=NotifyMode.choices, default=NotifyMode.WEEKLY)
    summarised_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "user"], name="one_follow_per_program")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.program_id}: {self.mode}"


class SessionNewsMode(models.TextChoices):
    WEEKLY = "weekly", "A weekly summary of new sessions"
    EACH = "each", "Each new session as it is planned"
    OFF = "off", "Nothing"


class SessionNews(models.Model):
    """How one person hears about new group sessions open to them (organisation-wide ones and
    their programs'). No row: the weekly summary. The channel, quiet hours, pause and digest of
    their notification preferences apply on top."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    mode = models.CharField(
        max_length=10, choices=SessionNewsMode.choices, default=SessionNewsMode.WEEKLY
    )
    updated_at = models.DateTimeField(default=now)

    def __str__(self) -> str:
        return f"{self.user_id} hears of sessions: {self.mode}"

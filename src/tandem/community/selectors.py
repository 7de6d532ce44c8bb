"""Reads for group sessions and discussions, with the access rules.

A program's sessions and discussion are for its enrolled participants, its coordinators and
admins; an organisation-wide session is for everyone signed in. Anything else answers 404, so a
foreign id looks exactly like a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.community.models import (
    PULSE_OPEN,
    GroupSession,
    Post,
    PulseAnswer,
    Report,
    Rsvp,
    RsvpStatus,
    SessionNews,
    SessionNewsMode,
    SessionStatus,
    Thread,
)
from tandem.core.errors import NotFound
from tandem.core.words import plural
from tandem.privacy import (
    Aggregate,
    AggregateTable,
    Comment,
    PublishedComments,
    publish_comments,
    suppress,
    validate_site_threshold,
)
from tandem.programs.extensions import ProgramLink
from tandem.programs.models import Enrolment, EnrolmentStatus, Program
from tandem.programs.selectors import can_coordinate


def member_program_ids(user: User) -> set[int]:
    """Programs whose community ``user`` belongs to (enrolled, coordinating, or all for admins)."""
    if user.is_admin:
        return set(Program.objects.values_list("pk", flat=True))
    enrolled = Enrolment.objects.filter(
        person__user=user, status=EnrolmentStatus.ACTIVE
    ).values_list("program_id", flat=True)
    ids = set(enrolled)
    if user.is_coordinator:
        ids |= set(Program.objects.filter(coordinators=user).values_list("pk", flat=True))
    return ids


def is_member(user: User, program: Program) -> bool:
    if can_coordinate(user, program):
        return True
    return Enrolment.objects.filter(
        program=program, person__user=user, status=EnrolmentStatus.ACTIVE
    ).exists()


def access_program_as_member(*, user: User, program_id: int) -> Program:
    program = Program.objects.filter(pk=program_id).first()
    if program is None or not is_member(user, program):
        raise NotFound()
    return program


def session_audience(program: Program | None) -> QuerySet[User]:
    """Active accounts a session is for: everyone for an organisation-wide one, else the
    program's enrolled participants and its coordinators."""
    users = User.objects.filter(is_active=True)
    if program is None:
        return users
    enrolled = Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE)
    return users.filter(
        Q(pk__in=enrolled.values("person__user_id")) | Q(pk__in=program.coordinators.all())
    )


def hearing_each() -> QuerySet[SessionNews, int]:
    """People who asked to hear of every new session at once (a subquery of user ids)."""
    return SessionNews.objects.filter(mode=SessionNewsMode.EACH).values_list("user_id", flat=True)


def session_news_mode(user: User) -> str:
    row = SessionNews.objects.filter(user=user).first()
    return row.mode if row else SessionNewsMode.WEEKLY


def can_manage_session(user: User, session: GroupSession) -> bool:
    """Host, the program's coordinators and admins (organisation-wide: host, creator, admins)."""
    if user.pk == session.host_id or user.is_admin:
        return True
    if session.program is None:
        return user.pk == session.created_by_id and user.is_coordinator
    return can_coordinate(user, session.program)


def _sessions() -> QuerySet[GroupSession]:
    going = Count("rsvps", filter=Q(rsvps__status=RsvpStatus.GOING))
    waiting = Count("rsvps", filter=Q(rsvps__status=RsvpStatus.WAITLISTED))
    came = Count("rsvps", filter=Q(rsvps__attended=True))
    return GroupSession.objects.select_related("host", "program").annotate(
        going_count=going, waitlist_count=waiting, came_count=came
    )


def visible_sessions(user: User) -> QuerySet[GroupSession]:
    ids = member_program_ids(user)
    return _sessions().filter(Q(program__isnull=True) | Q(program_id__in=ids))


def sessions_by_id(ids: list[int]) -> list[GroupSession]:
    """Freshly created sessions with their counts (the API's answer to a create)."""
    return list(_sessions().filter(pk__in=ids).order_by("starts_at", "id"))


def access_session(*, user: User, session_id: int) -> GroupSession:
    session = visible_sessions(user).filter(pk=session_id).first()
    if session is None:
        raise NotFound()
    return session


def access_session_as_manager(*, user: User, session_id: int) -> GroupSession:
    session = access_session(user=user, session_id=session_id)
    if not can_manage_session(user, session):
        raise NotFound()
    return session


@dataclass(frozen=True)
class SessionLists:
    upcoming: list[GroupSession]
    past: list[GroupSession]
    my_status: dict[int, str]


def session_lists(
    user: User, *, program: Program | None = None, now: datetime | None = None
) -> SessionLists:
    now = now or timezone.now()
    sessions = visible_sessions(user)
    if program is not None:
        sessions = sessions.filter(program=program)
    upcoming = list(sessions.filter(ends_at__gte=now).order_by("starts_at", "id")[:200])
    past = list(sessions.filter(ends_at__lt=now).order_by("-starts_at", "-id")[:30])
    ids = [s.pk for s in upcoming + past]
    mine = dict(
        Rsvp.objects.filter(user=user, session_id__in=ids).values_list("session_id", "status")
    )
    for session in upcoming + past:
        session.my_status = mine.get(session.pk, "")  # type: ignore[attr-defined]
    return SessionLists(upcoming, past, mine)


def my_upcoming(user: User, *, limit: int = 5, now: datetime | None = None) -> list[Rsvp]:
    """The next sessions ``user`` is going to or waiting for (the participant's home)."""
    now = now or timezone.now()
    return list(
        Rsvp.objects.filter(
            user=user,
            status__in=(RsvpStatus.GOING, RsvpStatus.WAITLISTED),
            session__status=SessionStatus.SCHEDULED,
            session__ends_at__gte=now,
        )
        .select_related("session")
        .order_by("session__starts_at", "session_id")[:limit]
    )


def rsvp_of(user: User, session: GroupSession) -> Rsvp | None:
    return Rsvp.objects.filter(session=session, user=user).first()


def attendees(session: GroupSession) -> list[Rsvp]:
    """Going and waitlisted, in order (the host's and coordinators' view)."""
    return list(
        Rsvp.objects.filter(session=session)
        .exclude(status=RsvpStatus.CANCELLED)
        .select_related("user")
        .order_by("status", "queued_at", "id")
    )


def waitlist_position(rsvp: Rsvp) -> int:
    return (
        Rsvp.objects.filter(session_id=rsvp.session_id, status=RsvpStatus.WAITLISTED)
        .filter(Q(queued_at__lt=rsvp.queued_at) | Q(queued_at=rsvp.queued_at, pk__lt=rsvp.pk))
        .count()
        + 1
    )


def waitlist_positions(session: GroupSession) -> dict[int, int]:
    """Place on the waitlist (1 = next) per RSVP id, in one query."""
    waiting = Rsvp.objects.filter(session=session, status=RsvpStatus.WAITLISTED).order_by(
        "queued_at", "id"
    )
    return {pk: index for index, pk in enumerate(waiting.values_list("pk", flat=True), start=1)}


@dataclass(frozen=True)
class PulseResult:
    """What the host and coordinators may see of a session's pulse.

    The pulse is its own small model rather than a ``tandem.feedback`` survey: a survey belongs
    to a program and its timeline (stages, schedule, reminders, respondents' groups), while a
    session may be organisation-wide and asks one question of the people who came. What it
    shares with surveys is what protects people: the site's thresholds (``TANDEM_MIN_K_*``,
    never below the floors of ``tandem.privacy``) and the same disclosure control
    (``tandem.privacy.suppress`` for the score, ``publish_comments`` for the comments, shuffled
    independently of arrival). Answers carry no date or time, and nothing is released while
    the pulse is open: a host watching the average change could otherwise read each new answer.
    """

    closed: bool
    closes_at: datetime
    answers: int | None
    k_scores: int
    k_comments: int
    mean: float | None
    comments: list[str] | None


def pulse_thresholds() -> tuple[int, int]:
    floors = {"score": settings.TANDEM_MIN_K_SCORES, "comment": settings.TANDEM_MIN_K_COMMENTS}
    return (
        validate_site_threshold(floors["score"], "score", floors),
        validate_site_threshold(floors["comment"], "comment", floors),
    )


def pulse_result(session: GroupSession, *, now: datetime | None = None) -> PulseResult:
    now = now or timezone.now()
    k_scores, k_comments = pulse_thresholds()
    closes_at = session.ends_at + PULSE_OPEN
    if now < closes_at:
        return PulseResult(False, closes_at, None, k_scores, k_comments, None, None)
    rows = list(PulseAnswer.objects.filter(session=session).values_list("pk", "rating", "comment"))
    table = AggregateTable.from_records(rows, (), value=lambda row: row[1])
    total = suppress(table, k=k_scores).total
    shown = total if isinstance(total, Aggregate) else None
    comments = publish_comments(
        (Comment(pk, text) for pk, _, text in rows), k=k_comments, seed=session.uid
    )
    return PulseResult(
        True,
        closes_at,
        shown.n if shown else None,
        k_scores,
        k_comments,
        round(shown.mean, 1) if shown and shown.mean is not None else None,
        list(comments.texts) if isinstance(comments, PublishedComments) and shown else None,
    )


@dataclass(frozen=True)
class HostRecord:
    """Recognition: sessions a person led and the people who came."""

    sessions_led: int
    people_helped: int


def host_record(
    user_id: int, *, program: Program | None = None, now: datetime | None = None
) -> HostRecord:
    now = now or timezone.now()
    held = GroupSession.objects.filter(
        host_id=user_id, status=SessionStatus.SCHEDULED, ends_at__lt=now
    )
    if program is not None:
        held = held.filter(program=program)
    led = held.count()
    helped = (
        Rsvp.objects.filter(session__in=held, attended=True).values("user_id").distinct().count()
    )
    return HostRecord(led, helped)


# --- discussion ---------------------------------------------------------------------------------


def is_moderator(user: User, program: Program) -> bool:
    return can_coordinate(user, program)


def threads(user: User, program: Program) -> QuerySet[Thread]:
    rows = Thread.objects.filter(program=program).select_related("author")
    if not is_moderator(user, program):
        rows = rows.filter(hidden=False)
    return rows.order_by("-pinned", "-last_post_at", "-id")


def access_thread(*, user: User, thread_id: int) -> Thread:
    thread = Thread.objects.select_related("program", "author").filter(pk=thread_id).first()
    if thread is None or not is_member(user, thread.program):
        raise NotFound()
    if thread.hidden and not is_moderator(user, thread.program):
        raise NotFound()
    return thread


def access_thread_as_moderator(*, user: User, thread_id: int) -> Thread:
    thread = access_thread(user=user, thread_id=thread_id)
    if not is_moderator(user, thread.program):
        raise NotFound()
    return thread


def posts(user: User, thread: Thread) -> list[Post]:
    rows = thread.posts.select_related("author").prefetch_related(
        Prefetch("reports", queryset=Report.objects.filter(handled_at__isnull=True))
    )
    if not is_moderator(user, thread.program):
        rows = rows.filter(hidden=False)
    return list(rows.order_by("created_at", "id"))


def access_post(*, user: User, post_id: int) -> Post:
    post = Post.objects.select_related("thread__program", "author").filter(pk=post_id).first()
    if post is None:
        raise NotFound()
    access_thread(user=user, thread_id=post.thread_id)
    if post.hidden and not is_moderator(user, post.thread.program):
        raise NotFound()
    return post


def access_own_post(*, user: User, post_id: int) -> Post:
    post = access_post(user=user, post_id=post_id)
    if post.author_id != user.pk or post.is_deleted:
        raise NotFound()
    return post


def open_reports(program: Program) -> QuerySet[Report]:
    return (
        Report.objects.filter(post__thread__program=program, handled_at__isnull=True)
        .select_related("post__thread", "post__author", "reporter")
        .order_by("-created_at", "-id")
    )


def access_report(*, user: User, report_id: int) -> Report:
    report = Report.objects.select_related("post__thread__program").filter(pk=report_id).first()
    if report is None or not is_moderator(user, report.post.thread.program):
        raise NotFound()
    return report


def open_report_counts(program_ids: list[int]) -> dict[int, int]:
    """Open reports per program (the coordinator's desk)."""
    rows = (
        Report.objects.filter(post__thread__program_id__in=program_ids, handled_at__isnull=True)
        .values("post__thread__program_id")
        .annotate(n=Count("id"))
    )
    return {r["post__thread__program_id"]: r["n"] for r in rows}


def recognition(user_id: int) -> list[tuple[str, str]]:
    """Profile facts for hosts and volunteers (registered with ``tandem.people.recognition``)."""
    record = host_record(user_id)
    if not record.sessions_led:
        return []
    return [
        ("Group sessions led", str(record.sessions_led)),
        ("People who came", str(record.people_helped)),
    ]


def program_links(user: User, program: Program) -> list[ProgramLink]:
    """The program's discussion and sessions on its pages, for the people who may open them."""
    if not is_member(user, program):
        return []
    now = timezone.now()
    coming = GroupSession.objects.filter(
        program=program, status=SessionStatus.SCHEDULED, ends_at__gte=now
    ).count()
    threads_count = Thread.objects.filter(program=program, hidden=False).count()
    return [
        ProgramLink(
            "Discussion",
            reverse("community:discussion", args=[program.pk]),
            plural(threads_count, "thread") if threads_count else "Start the first thread",
        ),
        ProgramLink(
            "Group sessions",
            reverse("community:sessions") + f"?program={program.pk}",
            f"{plural(coming, 'session')} coming up" if coming else "None planned yet",
        ),
    ]

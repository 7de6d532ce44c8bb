"""Periodic work of group sessions and discussions: each step claims its rows with a
conditional update, so a second run (or a second runner) does nothing twice."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, F, Q

from tandem.accounts.models import User
from tandem.community import notices
from tandem.community.models import (
    DiscussionFollow,
    GroupSession,
    NotifyMode,
    Post,
    Rsvp,
    RsvpStatus,
    SessionNews,
    SessionNewsMode,
    SessionStatus,
)
from tandem.community.selectors import session_audience
from tandem.core.periodic import periodic_job
from tandem.programs.models import Enrolment, EnrolmentStatus, Program

PULSE_WINDOW = timedelta(days=3)
WEEK = timedelta(days=7)


def check_minimums(now: datetime) -> int:
    """Sessions whose deadline passed without their minimum: the host and coordinators are told."""
    due = (
        GroupSession.objects.filter(
            status=SessionStatus.SCHEDULED,
            min_deadline__lte=now,
            starts_at__gt=now,
            min_alert_sent_at__isnull=True,
            min_attendees__gt=0,
        )
        .annotate(going=Count("rsvps", filter=Q(rsvps__status=RsvpStatus.GOING)))
        .filter(going__lt=F("min_attendees"))
    )
    told = 0
    for session in due.select_related("host", "program"):
        with transaction.atomic():
            claimed = GroupSession.objects.filter(
                pk=session.pk, min_alert_sent_at__isnull=True
            ).update(min_alert_sent_at=now)
            if not claimed:
                continue
            people = {session.host_id: session.host}
            if session.program is not None:
                people |= {c.pk: c for c in session.program.coordinators.filter(is_active=True)}
            notices.minimum_not_reached(
                session,
                people.values(),
                going=session.going,
                now=now,
            )
            told += 1
    return told


def send_pulses(now: datetime) -> int:
    """After a session ends, the people who went are asked one anonymous question."""
    due = GroupSession.objects.filter(
        status=SessionStatus.SCHEDULED,
        ends_at__lte=now,
        ends_at__gt=now - PULSE_WINDOW,
        pulse_sent_at__isnull=True,
    )
    asked = 0
    for session in due:
        with transaction.atomic():
            if not GroupSession.objects.filter(pk=session.pk, pulse_sent_at__isnull=True).update(
                pulse_sent_at=now
            ):
                continue
            rsvps = Rsvp.objects.filter(session=session, status=RsvpStatus.GOING).exclude(
                attended=False
            )
            for rsvp in rsvps.select_related("user"):
                notices.pulse_invitation(session, rsvp.user, now=now)
                asked += 1
    return asked


def weekly_summaries(now: datetime) -> int:
    """Everyone in a program who did not ask otherwise hears once a week what was new."""
    since = now - WEEK
    week = f"{now.isocalendar().year}-{now.isocalendar().week:02d}"
    sent = 0
    active = Post.objects.filter(
        created_at__gte=since, hidden=False, deleted_at__isnull=True, thread__hidden=False
    )
    for program in Program.objects.filter(pk__in=active.values("thread__program_id")):
        posts = list(active.filter(thread__program=program).select_related("thread"))
        titles = sorted({p.thread.title for p in posts})
        opted = dict(
            DiscussionFollow.objects.filter(program=program).values_list("user_id", "mode")
        )
        members = {
            e.person.user
            for e in Enrolment.objects.filter(
                program=program, status=EnrolmentStatus.ACTIVE
            ).select_related("person__user")
        } | set(program.coordinators.all())
        with transaction.atomic():
            for user in members:
                if not user.is_active or opted.get(user.pk, NotifyMode.WEEKLY) != NotifyMode.WEEKLY:
                    continue
                mine = [p for p in posts if p.author_id != user.pk]
                if not mine:
                    continue
                notices.weekly_summary(
                    program.name,
                    program.pk,
                    user,
                    titles=titles,
                    posts=len(mine),
                    week=week,
                    now=now,
                )
                sent += 1
    return sent


def session_summaries(now: datetime) -> int:
    """Once a week, each person who did not ask otherwise hears of the sessions planned in the
    week that are open to them, still ahead, not hosted by them and not yet answered."""
    week = f"{now.isocalendar().year}-{now.isocalendar().week:02d}"
    new = list(
        GroupSession.objects.filter(
            status=SessionStatus.SCHEDULED, created_at__gte=now - WEEK, starts_at__gt=now
        )
        .select_related("host", "program")
        .order_by("starts_at", "id")
    )
    if not new:
        return 0
    chose = dict(SessionNews.objects.values_list("user_id", "mode"))
    answered = set(Rsvp.objects.filter(session__in=new).values_list("session_id", "user_id"))
    readers: dict[int, list[GroupSession]] = {}
    accounts: dict[int, User] = {}
    for session in new:
        for user in session_audience(session.program).exclude(pk=session.host_id):
            if chose.get(user.pk, SessionNewsMode.WEEKLY) != SessionNewsMode.WEEKLY:
                continue
            if (session.pk, user.pk) in answered:
                continue
            accounts[user.pk] = user
            readers.setdefault(user.pk, []).append(session)
    with transaction.atomic():
        for user_id, sessions in readers.items():
            notices.session_summary(accounts[user_id], sessions, week=week, now=now)
    return len(readers)


@periodic_job(every=timedelta(minutes=15), name="community.sessions")
def sessions_job(now: datetime) -> str:
    """Tell hosts about sessions short of their minimum; ask attendees for the pulse."""
    return f"{check_minimums(now)} minimum alerts, {send_pulses(now)} pulses"


@periodic_job(every=WEEK, name="community.session_summaries")
def session_summaries_job(now: datetime) -> str:
    """The weekly summary of new group sessions (the default way to hear about them)."""
    return f"{session_summaries(now)} summaries"


@periodic_job(every=WEEK, name="community.discussion_summaries")
def discussion_summaries_job(now: datetime) -> str:
    """The weekly summary of new discussion posts (the default way to hear about them)."""
    return f"{weekly_summaries(now)} summaries"

"""What group sessions and discussions tell people, through the channel layer.

Every message is channel-neutral (``tandem.notify.messages.Message``); invitations carry the
.ics (so they go by email), announcements carry RSVP buttons that work from chat and email.
Times are written in each reader's own zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse

from tandem.accounts.models import User
from tandem.community.calendar import invitation_attachment, session_url
from tandem.community.models import GroupSession, Post, Report
from tandem.notify.messages import Button, Category, Message
from tandem.notify.outbox import send
from tandem.notify.preferences import zones_for
from tandem.relationships.ical import Method

RSVP_ACTION = "community.rsvp"


def _when(session: GroupSession, zone: str) -> str:
    try:
        tz = ZoneInfo(zone or "UTC")
    except (KeyError, ValueError):
        tz = ZoneInfo("UTC")
    start, end = session.starts_at.astimezone(tz), session.ends_at.astimezone(tz)
    return f"{start:%A %d %B, %H:%M}–{end:%H:%M} ({zone or 'UTC'})"


def _where(session: GroupSession) -> str:
    if session.place and session.online_url:
        return f"{session.place} or online: {session.online_url}"
    return session.place or (f"Online: {session.online_url}" if session.online_url else "")


def invitation(session: GroupSession, user: User, *, change: str, now: datetime) -> None:
    """``change``: going, promoted, updated, cancelled, withdrawn (their own cancellation)."""
    zone = zones_for([user.pk]).get(user.pk, session.timezone)
    when = _when(session, zone)
    titles = {
        "going": f"You're going: {session.title}",
        "promoted": f"A place opened up — you're going: {session.title}",
        "updated": f"Updated: {session.title}",
        "cancelled": f"Cancelled: {session.title}",
        "withdrawn": f"You are no longer going: {session.title}",
    }
    texts = {
        "going": f"*{session.title}* on {when}. The invitation is attached.",
        "promoted": (
            f"Someone cancelled, so you moved up from the waitlist: *{session.title}* on {when}. "
            "The invitation is attached."
        ),
        "updated": f"*{session.title}* has changed: it is now on {when}. The update is attached.",
        "cancelled": f"*{session.title}* on {when} is cancelled. Your calendar will drop it.",
        "withdrawn": f"You cancelled your place at *{session.title}* on {when}.",
    }
    where = _where(session)
    text = texts[change] + (
        f"\n{where}" if where and change in ("going", "promoted", "updated") else ""
    )
    method: Method = "CANCEL" if change in ("cancelled", "withdrawn") else "REQUEST"
    send(
        Message(
            kind=f"session_{change}",
            category=Category.MEETINGS,
            title=titles[change],
            text=text,
            link_url=session_url(session),
            link_label="Open the session",
            urgent=change == "cancelled",
        ),
        to=user,
        event_key=f"session:{session.uid}:{session.sequence}:{change}:{user.pk}",
        attachments=[invitation_attachment(session, attendee=user, method=method)],
        now=now,
    )


def waitlisted(session: GroupSession, user: User, *, position: int, now: datetime) -> None:
    send(
        Message(
            kind="session_waitlisted",
            category=Category.MEETINGS,
            title=f"On the waitlist: {session.title}",
            text=(
                f"*{session.title}* is full; you are number {position} on the waitlist. "
                "If a place opens up you get it automatically, with the invitation."
            ),
            link_url=session_url(session),
            link_label="Open the session",
        ),
        to=user,
        event_key=f"session:{session.uid}:waitlisted:{user.pk}:{now:%Y%m%d%H%M%S%f}",
        now=now,
    )


def announce(session: GroupSession, people: Iterable[User], *, now: datetime) -> int:
    """A new session, with buttons to answer from the message itself."""
    users = list(people)
    zones = zones_for(u.pk for u in users)
    for user in users:
        when = _when(session, zones.get(user.pk, session.timezone))
        send(
            Message(
                kind="session_announced",
                category=Category.PROGRAM_NEWS,
                title=f"{session.get_kind_display()}: {session.title}",
                text=f"{session.host.name} hosts *{session.title}* on {when}. Will you come?",
                buttons=(
                    Button("I'll come", RSVP_ACTION, f"{session.pk}:yes", style="primary"),
                    Button("Not this time", RSVP_ACTION, f"{session.pk}:no"),
                ),
                link_url=session_url(session),
                link_label="Details",
            ),
            to=user,
            event_key=f"session:{session.uid}:announce:{user.pk}",
            now=now,
        )
    return len(users)


def session_summary(user: User, sessions: list[GroupSession], *, week: str, now: datetime) -> None:
    """The week's new sessions open to one person, with buttons for the first three."""
    zone = zones_for([user.pk]).get(user.pk, "UTC")
    lines = [
        f"• *{s.title}* ({s.get_kind_display().lower()}, {s.host.name}): {_when(s, zone)}"
        for s in sessions[:10]
    ]
    more = len(sessions) - len(lines)
    if more > 0:
        lines.append(f"…and {more} more on the sessions page.")
    count = len(sessions)
    send(
        Message(
            kind="session_summary",
            category=Category.PROGRAM_NEWS,
            title=f"{count} new group session{'s' if count != 1 else ''} you can join",
            text="\n".join(lines),
            buttons=tuple(
                Button(f"I'll come: {s.title[:40]}", RSVP_ACTION, f"{s.pk}:yes")
                for s in sessions[:3]
            ),
            link_url=settings.SITE_URL + reverse("community:sessions"),
            link_label="See all sessions",
        ),
        to=user,
        event_key=f"sessions:summary:{week}:{user.pk}",
        now=now,
    )


def minimum_not_reached(
    session: GroupSession, people: Iterable[User], *, going: int, now: datetime
) -> None:
    for user in people:
        send(
            Message(
                kind="session_minimum_not_reached",
                category=Category.PROGRAM_NEWS,
                title=f"Few places taken: {session.title}",
                text=(
                    f"*{session.title}* has {going} of the {session.min_attendees} people it "
                    "needs. Remind people, move it, or cancel it."
                ),
                link_url=session_url(session),
                link_label="Open the session",
                urgent=True,
            ),
            to=user,
            event_key=f"session:{session.uid}:minimum:{user.pk}",
            now=now,
        )


def pulse_invitation(session: GroupSession, user: User, *, now: datetime) -> None:
    send(
        Message(
            kind="session_pulse",
            category=Category.SURVEYS,
            title=f"How was {session.title}?",
            text="One question and an optional comment. Your answer is anonymous.",
            link_url=session_url(session) + "#pulse",
            link_label="Answer",
        ),
        to=user,
        event_key=f"session:{session.uid}:pulse:{user.pk}",
        now=now,
    )


def thread_url(thread_id: int) -> str:
    return settings.SITE_URL + reverse("community:thread", args=[thread_id])


def new_post(post: Post, people: Iterable[User], *, now: datetime) -> None:
    thread = post.thread
    author = post.author.name if post.author else "Someone"
    for user in people:
        send(
            Message(
                kind="discussion_post",
                category=Category.PROGRAM_NEWS,
                title=f"New in {thread.program.name}: {thread.title}",
                text=f"{author} wrote in *{thread.title}*.",
                link_url=thread_url(thread.pk),
                link_label="Read it",
            ),
            to=user,
            event_key=f"post:{post.pk}:{user.pk}",
            now=now,
        )


def weekly_summary(
    program_name: str,
    program_id: int,
    user: User,
    *,
    titles: list[str],
    posts: int,
    week: str,
    now: datetime,
) -> None:
    listed = "\n".join(f"• {t}" for t in titles[:8])
    send(
        Message(
            kind="discussion_summary",
            category=Category.PROGRAM_NEWS,
            title=f"This week in {program_name}: {posts} new post{'s' if posts != 1 else ''}",
            text=f"Threads with new posts:\n{listed}",
            link_url=settings.SITE_URL + reverse("community:discussion", args=[program_id]),
            link_label="Open the discussion",
        ),
        to=user,
        event_key=f"discussion:{program_id}:summary:{week}:{user.pk}",
        now=now,
    )


def post_reported(report: Report, coordinators: Iterable[User], *, now: datetime) -> None:
    thread = report.post.thread
    for user in coordinators:
        send(
            Message(
                kind="discussion_report",
                category=Category.PROGRAM_NEWS,
                title=f"A post was reported in {thread.program.name}",
                text=f"In *{thread.title}*: “{report.reason}”",
                link_url=settings.SITE_URL + reverse("community:reports", args=[thread.program_id]),
                link_label="Review reports",
                urgent=True,
            ),
            to=user,
            event_key=f"report:{report.pk}:{user.pk}",
            now=now,
        )

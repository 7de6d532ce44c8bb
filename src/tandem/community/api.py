"""Group sessions and discussions over the API: the same selectors and services as the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from tandem.accounts.http import AuthenticatedHttpRequest
from tandem.community import selectors
from tandem.community.markdown import render_markdown
from tandem.community.models import GroupSession, Post, Rsvp, Thread
from tandem.community.services import discussion, rsvp
from tandem.core.schemas import LONG_TEXT, Id, errors

router = Router(tags=["community"])

Title = Annotated[str, Field(min_length=1, max_length=200)]
Body = Annotated[str, Field(min_length=1, max_length=LONG_TEXT)]
Reason = Annotated[str, Field(min_length=1, max_length=500)]


class SessionOut(Schema):
    id: int
    program_id: int | None
    kind: str
    title: str
    description: str
    host: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    online_url: str
    place: str
    min_attendees: int
    capacity: int
    going: int
    waitlisted: int
    status: str
    my_rsvp: str | None = Field(description="going, waitlisted, cancelled, or null")

    @classmethod
    def of(cls, session: GroupSession, mine: str | None) -> SessionOut:
        return cls(
            id=session.pk,
            program_id=session.program_id,
            kind=session.kind,
            title=session.title,
            description=session.description,
            host=session.host.name,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            timezone=session.timezone,
            online_url=session.online_url,
            place=session.place,
            min_attendees=session.min_attendees,
            capacity=session.capacity,
            going=getattr(session, "going_count", 0),
            waitlisted=getattr(session, "waitlist_count", 0),
            status=session.status,
            my_rsvp=mine or None,
        )


class RsvpOut(Schema):
    session_id: int
    status: str
    waitlist_position: int | None


class ThreadOut(Schema):
    id: int
    program_id: int
    title: str
    author: str | None
    pinned: bool
    locked: bool
    hidden: bool
    post_count: int
    last_post_at: datetime


class PostOut(Schema):
    id: int
    thread_id: int
    author: str | None
    body: str = Field(description="The Markdown source; empty once deleted")
    html: str = Field(description="The sanitised HTML rendering")
    hidden: bool
    deleted: bool
    edited_at: datetime | None
    created_at: datetime


class ThreadIn(Schema):
    title: Title
    body: Body


class PostIn(Schema):
    body: Body


class ReportIn(Schema):
    reason: Reason


class ReportOut(Schema):
    id: int
    post_id: int


def _thread(thread: Thread) -> ThreadOut:
    return ThreadOut(
        id=thread.pk,
        program_id=thread.program_id,
        title=thread.title,
        author=thread.author.name if thread.author else None,
        pinned=thread.pinned,
        locked=thread.locked,
        hidden=thread.hidden,
        post_count=thread.post_count,
        last_post_at=thread.last_post_at,
    )


def _post(post: Post) -> PostOut:
    return PostOut(
        id=post.pk,
        thread_id=post.thread_id,
        author=post.author.name if post.author else None,
        body=post.body,
        html=str(render_markdown(post.body)) if not post.is_deleted else "",
        hidden=post.hidden,
        deleted=post.is_deleted,
        edited_at=post.edited_at,
        created_at=post.created_at,
    )


def _rsvp(answer: Rsvp | None, session_id: int) -> RsvpOut:
    if answer is None:
        return RsvpOut(session_id=session_id, status="none", waitlist_position=None)
    position = selectors.waitlist_position(answer) if answer.status == "waitlisted" else None
    return RsvpOut(session_id=session_id, status=answer.status, waitlist_position=position)


@router.get(
    "/sessions",
    response={200: list[SessionOut], **errors(422)},
    summary="Upcoming group sessions I may join",
)
def list_sessions(
    request: AuthenticatedHttpRequest, program_id: Id | None = None
) -> list[SessionOut]:
    """Organisation-wide sessions and those of my programs; ``program_id`` narrows to one of
    them (another program answers an empty list)."""
    user = request.user
    lists = selectors.session_lists(user)
    rows = [s for s in lists.upcoming if program_id is None or s.program_id == program_id]
    return [SessionOut.of(s, getattr(s, "my_status", "")) for s in rows]


@router.get(
    "/sessions/{session_id}",
    response={200: SessionOut, **errors(404)},
    summary="One group session",
)
def get_session(request: AuthenticatedHttpRequest, session_id: Id) -> SessionOut:
    session = selectors.access_session(user=request.user, session_id=session_id)
    mine = selectors.rsvp_of(request.user, session)
    return SessionOut.of(session, mine.status if mine else None)


@router.post(
    "/sessions/{session_id}/rsvp",
    response={200: RsvpOut, **errors(400, 404, 409)},
    summary="Take a place (or join the waitlist when it is full)",
)
def rsvp_session(request: AuthenticatedHttpRequest, session_id: Id) -> RsvpOut:
    """400: cancelled, started, or you host it. 409: a flash mentoring slot just taken."""
    answer = rsvp.rsvp_join(user=request.user, session_id=session_id)
    return _rsvp(answer, session_id)


@router.delete(
    "/sessions/{session_id}/rsvp",
    response={200: RsvpOut, **errors(404)},
    summary="Give up my place; the first person waiting moves up",
)
def cancel_rsvp(request: AuthenticatedHttpRequest, session_id: Id) -> RsvpOut:
    answer = rsvp.rsvp_cancel(user=request.user, session_id=session_id)
    return _rsvp(answer, session_id)


@router.get(
    "/programs/{program_id}/threads",
    response={200: list[ThreadOut], **errors(404)},
    summary="Threads of a program's discussion (members)",
)
def list_threads(request: AuthenticatedHttpRequest, program_id: Id) -> list[ThreadOut]:
    program = selectors.access_program_as_member(user=request.user, program_id=program_id)
    return [_thread(t) for t in selectors.threads(request.user, program)[:200]]


@router.post(
    "/programs/{program_id}/threads",
    response={201: ThreadOut, **errors(404, 422)},
    summary="Start a thread",
)
def create_thread(
    request: AuthenticatedHttpRequest, program_id: Id, payload: ThreadIn
) -> Status[ThreadOut]:
    thread = discussion.thread_create(
        actor=request.user, program_id=program_id, title=payload.title, body=payload.body
    )
    return Status(201, _thread(thread))


@router.get(
    "/threads/{thread_id}/posts",
    response={200: list[PostOut], **errors(404)},
    summary="Posts of a thread, oldest first",
)
def list_posts(request: AuthenticatedHttpRequest, thread_id: Id) -> list[PostOut]:
    thread = selectors.access_thread(user=request.user, thread_id=thread_id)
    return [_post(p) for p in selectors.posts(request.user, thread)]


@router.post(
    "/threads/{thread_id}/posts",
    response={201: PostOut, **errors(404, 409, 422)},
    summary="Reply to a thread (409 when it is locked)",
)
def create_post(
    request: AuthenticatedHttpRequest, thread_id: Id, payload: PostIn
) -> Status[PostOut]:
    post = discussion.post_reply(actor=request.user, thread_id=thread_id, body=payload.body)
    return Status(201, _post(post))


@router.patch(
    "/posts/{post_id}",
    response={200: PostOut, **errors(404, 409, 422)},
    summary="Edit my own post (others' posts answer 404)",
)
def edit_post(request: AuthenticatedHttpRequest, post_id: Id, payload: PostIn) -> PostOut:
    post = selectors.access_own_post(user=request.user, post_id=post_id)
    return _post(discussion.post_edit(actor=request.user, post_id=post.pk, body=payload.body))


@router.delete(
    "/posts/{post_id}",
    response={204: None, **errors(404)},
    summary="Delete my own post (others' posts answer 404)",
)
def delete_post(request: AuthenticatedHttpRequest, post_id: Id) -> Status[None]:
    post = selectors.access_own_post(user=request.user, post_id=post_id)
    discussion.post_delete(actor=request.user, post_id=post.pk)
    return Status(204, None)


@router.post(
    "/posts/{post_id}/reports",
    response={201: ReportOut, **errors(404, 422)},
    summary="Report a post to the program's coordinators",
)
def report_post(
    request: AuthenticatedHttpRequest, post_id: Id, payload: ReportIn
) -> Status[ReportOut]:
    report = discussion.post_report(actor=request.user, post_id=post_id, reason=payload.reason)
    return Status(201, ReportOut(id=report.pk, post_id=report.post_id))

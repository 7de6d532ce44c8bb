"""Group sessions and discussions over the API: the same selectors and services as the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar

from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from tandem.accounts.http import AuthenticatedHttpRequest
from tandem.audit.services import log_action
from tandem.community import selectors
from tandem.community.markdown import render_markdown
from tandem.community.models import GroupSession, Post, Rsvp, RsvpStatus, SessionKind, Thread
from tandem.community.services import discussion, rsvp, sessions
from tandem.community.services.sessions import MAX_CAPACITY, MAX_SLOTS, SessionData
from tandem.core.errors import ApplicationError, FieldError
from tandem.core.schemas import LONG_TEXT, Id, PatchIn, PlannedMoment, errors
from tandem.notify.preferences import zone_of

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


class SessionIn(Schema):
    """A new session; ``program_id`` empty for the whole organisation (coordinators and admins).
    Flash mentoring offers ``slots`` back-to-back 30-minute slots, one person each."""

    program_id: Id | None = None
    kind: SessionKind
    title: Title
    description: str = Field("", max_length=LONG_TEXT)
    starts_at: PlannedMoment
    ends_at: PlannedMoment | None = Field(None, description="Default: one hour after the start")
    timezone: str | None = Field(
        None, max_length=64, description="IANA zone of the session; default: yours"
    )
    online_url: str = Field("", max_length=500)
    place: str = Field("", max_length=200)
    min_attendees: int = Field(0, ge=0, le=MAX_CAPACITY)
    capacity: int = Field(20, ge=1, le=MAX_CAPACITY)
    min_deadline: PlannedMoment | None = Field(
        None, description="When the host is told if the minimum is not reached"
    )
    slots: int = Field(1, ge=1, le=MAX_SLOTS)
    announce: bool = Field(True, description="Tell the people it is for (their preferences apply)")


class SessionPatchIn(PatchIn):
    """Change a session; everyone going gets the updated invitation (same UID, SEQUENCE + 1).
    A new ``starts_at`` without ``ends_at`` keeps the session's length."""

    NULLABLE: ClassVar[frozenset[str]] = frozenset({"min_deadline"})

    title: Title | None = None
    description: str | None = Field(None, max_length=LONG_TEXT)
    starts_at: PlannedMoment | None = None
    ends_at: PlannedMoment | None = None
    timezone: str | None = Field(None, max_length=64)
    online_url: str | None = Field(None, max_length=500)
    place: str | None = Field(None, max_length=200)
    min_attendees: int | None = Field(None, ge=0, le=MAX_CAPACITY)
    capacity: int | None = Field(None, ge=1, le=MAX_CAPACITY)
    min_deadline: PlannedMoment | None = None


class AttendeeOut(Schema):
    user_id: int
    name: str
    email: str
    status: str = Field(description="going or waitlisted")
    waitlist_position: int | None
    attended: bool | None = Field(description="null until attendance is taken")


class AttendanceIn(Schema):
    present: list[Id] = Field(max_length=MAX_CAPACITY, description="user ids of who came")


class AttendanceOut(Schema):
    session_id: int
    came: int
    going: int


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
    "/sessions",
    response={201: list[SessionOut], **errors(403, 404, 422)},
    summary="Plan a group session (or offer flash mentoring slots)",
)
def create_session(
    request: AuthenticatedHttpRequest, payload: SessionIn
) -> Status[list[SessionOut]]:
    """A program's coordinators plan any kind; its members offer skill-shares and flash
    mentoring (403 otherwise); organisation-wide sessions are for coordinators and admins."""
    user = request.user
    program = (
        selectors.access_program_as_member(user=user, program_id=payload.program_id)
        if payload.program_id is not None
        else None
    )
    data = SessionData(
        kind=payload.kind,
        title=payload.title,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        description=payload.description,
        timezone=payload.timezone or zone_of(user.pk),
        online_url=payload.online_url,
        place=payload.place,
        min_attendees=payload.min_attendees,
        capacity=payload.capacity,
        min_deadline=payload.min_deadline,
        slots=payload.slots,
    )
    created = sessions.session_create(
        actor=user, program=program, data=data, announce=payload.announce
    )
    rows = selectors.sessions_by_id([s.pk for s in created])
    return Status(201, [SessionOut.of(s, None) for s in rows])


@router.patch(
    "/sessions/{session_id}",
    response={200: SessionOut, **errors(400, 404, 422)},
    summary="Change a session (host, the program's coordinators, admins)",
)
def update_session(
    request: AuthenticatedHttpRequest, session_id: Id, payload: SessionPatchIn
) -> SessionOut:
    """400 when it is cancelled; 422 names the field (e.g. a capacity below those going)."""
    session = selectors.access_session_as_manager(user=request.user, session_id=session_id)
    changes = payload.model_dump(exclude_unset=True)
    if "starts_at" in changes and "ends_at" not in changes:  # a move keeps the length
        changes["ends_at"] = changes["starts_at"] + (session.ends_at - session.starts_at)
    sessions.session_update(actor=request.user, session_id=session.pk, changes=changes)
    return _session_for(request, session.pk)


@router.post(
    "/sessions/{session_id}/cancel",
    response={200: SessionOut, **errors(404)},
    summary="Cancel a session; everyone who answered gets the cancellation",
)
def cancel_session(request: AuthenticatedHttpRequest, session_id: Id) -> SessionOut:
    session = selectors.access_session_as_manager(user=request.user, session_id=session_id)
    sessions.session_cancel(actor=request.user, session_id=session.pk)
    return _session_for(request, session.pk)


@router.get(
    "/sessions/{session_id}/rsvps",
    response={200: list[AttendeeOut], **errors(404)},
    summary="Who is going and who waits (host, the program's coordinators, admins; audited)",
)
def list_rsvps(request: AuthenticatedHttpRequest, session_id: Id) -> list[AttendeeOut]:
    session = selectors.access_session_as_manager(user=request.user, session_id=session_id)
    people = selectors.attendees(session)
    log_action("community.attendees_viewed", actor=request.user, target=session, request=request)
    positions = selectors.waitlist_positions(session)
    return [
        AttendeeOut(
            user_id=r.user_id,
            name=r.user.name,
            email=r.user.email,
            status=r.status,
            waitlist_position=positions.get(r.pk),
            attended=r.attended,
        )
        for r in people
    ]


@router.put(
    "/sessions/{session_id}/attendance",
    response={200: AttendanceOut, **errors(400, 404, 422)},
    summary="Record who came (everyone else who was going did not)",
)
def take_attendance(
    request: AuthenticatedHttpRequest, session_id: Id, payload: AttendanceIn
) -> AttendanceOut:
    """400 before the session starts or once cancelled; 422 for someone who was not going."""
    session = selectors.access_session_as_manager(user=request.user, session_id=session_id)
    going = {r.user_id for r in selectors.attendees(session) if r.status == RsvpStatus.GOING}
    strangers = sorted(set(payload.present) - going)
    if strangers:
        raise ApplicationError(
            "Only people who were going can be marked present.",
            errors=[
                FieldError("Not going to this session.", field="present", value=str(uid))
                for uid in strangers[:20]
            ],
            status=422,
        )
    came = sessions.attendance_take(
        actor=request.user, session_id=session.pk, present=set(payload.present)
    )
    return AttendanceOut(session_id=session.pk, came=came, going=len(going))


def _session_for(request: AuthenticatedHttpRequest, session_id: int) -> SessionOut:
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

from datetime import date, datetime, timedelta
from typing import Annotated, Any

from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from tandem.accounts.http import AuthenticatedHttpRequest
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError
from tandem.core.schemas import LONG_TEXT, Id, PlannedDate, PlannedMoment, errors
from tandem.programs.selectors import access_program_as_coordinator
from tandem.relationships import selectors
from tandem.relationships.models import (
    AgendaItem,
    ClosingSummary,
    Concern,
    ConcernKind,
    Goal,
    Meeting,
    MeetingKind,
    MeetingLog,
    NextStep,
    PrivateNote,
    Relationship,
)
from tandem.relationships.services import goals as goal_services
from tandem.relationships.services.closing import closing_submit
from tandem.relationships.services.concerns import concern_raise
from tandem.relationships.services.goals import goal_create
from tandem.relationships.services.logs import agenda_add, log_save, note_add
from tandem.relationships.services.meetings import (
    meeting_cancel,
    meeting_mark,
    meeting_reschedule,
    meeting_schedule,
)
from tandem.relationships.slots import Slot

router = Router(tags=["relationships"])


class RelationshipOut(Schema):
    id: int
    program_id: int
    status: str
    partners: list[str]
    activated_at: datetime | None
    ended_at: datetime | None

    @staticmethod
    def resolve_partners(obj: Relationship, context: dict[str, Any]) -> list[str]:
        """Everyone in the match but the person asking."""
        viewer = context["request"].user
        return [m.person.user.name for m in obj.members.all() if m.person.user_id != viewer.pk]


class LogOut(Schema):
    log_id: int
    topics: int

    @staticmethod
    def resolve_log_id(obj: MeetingLog) -> int:
        return obj.pk

    @staticmethod
    def resolve_topics(obj: MeetingLog) -> int:
        return selectors.topic_count(obj)


class ConcernOut(Schema):
    id: int


class ClosingOut(Schema):
    id: int
    next_step: str


class MeetingOut(Schema):
    id: int
    kind: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    status: str
    uid: str
    sequence: int
    location: str
    video_url: str


class MeetingIn(Schema):
    starts_at: PlannedMoment
    duration_minutes: int = Field(60, ge=10, le=240)
    kind: MeetingKind = MeetingKind.REGULAR
    location: str = Field("", max_length=200)
    video_url: str = Field("", max_length=200)
    invite_coordinator: bool = False
    repeat: int = Field(1, ge=1, le=26)


class RescheduleIn(Schema):
    starts_at: PlannedMoment
    duration_minutes: int = Field(60, ge=10, le=240)


class MarkIn(Schema):
    held: bool


class TextIn(Schema):
    text: str = Field(min_length=1, max_length=LONG_TEXT)


class AgendaOut(Schema):
    id: int
    text: str
    from_template: bool


class TopicIn(Schema):
    title: str = Field(max_length=300)
    brought_by: Id


class LogIn(Schema):
    topics: list[TopicIn] = Field(max_length=20)
    takeaways: str = Field("", max_length=LONG_TEXT)
    next_steps: str = Field("", max_length=LONG_TEXT)
    private_note: str = Field("", max_length=LONG_TEXT)


class NoteOut(Schema):
    id: int
    text: str
    author: str
    created_at: datetime

    @staticmethod
    def resolve_author(obj: PrivateNote) -> str:
        return obj.author.user.name


class GoalIn(Schema):
    title: str = Field(max_length=200)
    metric: str = Field(max_length=200)
    target: str = Field(max_length=100)
    target_date: PlannedDate
    why: str = Field("", max_length=LONG_TEXT)
    milestones: list[Annotated[str, Field(max_length=200)]] = Field([], max_length=20)


class GoalOut(Schema):
    id: int
    owner_id: int
    title: str
    metric: str
    target: str
    target_date: date
    status: str
    progress: int


class ProgressIn(Schema):
    progress: int = Field(ge=0, le=100)
    note: str = Field("", max_length=500)


class ConcernIn(Schema):
    kind: ConcernKind
    text: str = Field(min_length=1, max_length=LONG_TEXT)


class ClosingIn(Schema):
    achieved: str = Field(max_length=LONG_TEXT)
    learned: str = Field(max_length=LONG_TEXT)
    would_recommend_partner: bool
    would_do_again: bool
    next_step: NextStep = NextStep.STAY


class SlotOut(Schema):
    start: datetime
    end: datetime
    inside_availability: bool = Field(
        description="False: fits everyone's working hours but not the times someone ticked"
    )


class HealthOut(Schema):
    relationship_id: int
    names: list[str]
    status: str
    health: str
    reasons: list[str]
    meetings_held: int
    last_meeting: datetime | None
    next_meeting: datetime | None
    goals: int


def _relationship(request: AuthenticatedHttpRequest, relationship_id: Id) -> Relationship:
    relationship, _ = selectors.access_relationship(
        user=request.user, relationship_id=relationship_id
    )
    return relationship


def _meeting(request: AuthenticatedHttpRequest, relationship_id: Id, meeting_id: Id) -> Meeting:
    meeting, _ = selectors.access_meeting(
        user=request.user, relationship_id=relationship_id, meeting_id=meeting_id
    )
    return meeting


@router.get(
    "/relationships", response={200: list[RelationshipOut], **errors()}, summary="My matches"
)
def list_relationships(request: AuthenticatedHttpRequest) -> list[Relationship]:
    return selectors.my_relationships(request.user)


@router.get(
    "/relationships/{relationship_id}",
    response={200: RelationshipOut, **errors(404)},
    summary="One of my matches",
)
def get_relationship(request: AuthenticatedHttpRequest, relationship_id: Id) -> Relationship:
    return _relationship(request, relationship_id)


@router.get(
    "/relationships/{relationship_id}/slots",
    response={200: list[SlotOut], **errors(404, 422)},
    summary="Five times that suit everyone's working hours and availability",
)
def slots(
    request: AuthenticatedHttpRequest, relationship_id: Id, duration_minutes: int = 60
) -> list[Slot]:
    relationship = _relationship(request, relationship_id)
    minutes = max(15, min(duration_minutes, 240))
    return list(selectors.suggested_slots(relationship, duration=timedelta(minutes=minutes)))


@router.get(
    "/relationships/{relationship_id}/meetings",
    response={200: list[MeetingOut], **errors(404)},
    summary="Meetings",
)
def list_meetings(request: AuthenticatedHttpRequest, relationship_id: Id) -> list[Meeting]:
    return list(selectors.meetings(_relationship(request, relationship_id)))


@router.post(
    "/relationships/{relationship_id}/meetings",
    response={201: list[MeetingOut], **errors(400, 403, 404, 422)},
    summary="Schedule a meeting (or a series) and send invitations",
)
def create_meeting(
    request: AuthenticatedHttpRequest, relationship_id: Id, payload: MeetingIn
) -> Status[list[Meeting]]:
    meetings = meeting_schedule(
        actor=request.user,
        relationship=_relationship(request, relationship_id),
        starts_at=payload.starts_at,
        duration=timedelta(minutes=payload.duration_minutes),
        kind=payload.kind,
        location=payload.location,
        video_url=payload.video_url,
        invite_coordinator=payload.invite_coordinator,
        repeat=payload.repeat,
    )
    return Status(201, meetings)


@router.patch(
    "/relationships/{relationship_id}/meetings/{meeting_id}",
    response={200: MeetingOut, **errors(400, 403, 404, 422)},
    summary="Move a meeting (the invitation's SEQUENCE rises)",
)
def reschedule(
    request: AuthenticatedHttpRequest, relationship_id: Id, meeting_id: Id, payload: RescheduleIn
) -> Meeting:
    return meeting_reschedule(
        actor=request.user,
        meeting=_meeting(request, relationship_id, meeting_id),
        starts_at=payload.starts_at,
        duration=timedelta(minutes=payload.duration_minutes),
    )


@router.post(
    "/relationships/{relationship_id}/meetings/{meeting_id}/cancel",
    response={200: MeetingOut, **errors(400, 403, 404)},
    summary="Cancel (METHOD:CANCEL to everyone)",
)
def cancel(request: AuthenticatedHttpRequest, relationship_id: Id, meeting_id: Id) -> Meeting:
    return meeting_cancel(
        actor=request.user, meeting=_meeting(request, relationship_id, meeting_id)
    )


@router.post(
    "/relationships/{relationship_id}/meetings/{meeting_id}/mark",
    response={200: MeetingOut, **errors(400, 403, 404, 422)},
    summary="Mark held or missed",
)
def mark(
    request: AuthenticatedHttpRequest, relationship_id: Id, meeting_id: Id, payload: MarkIn
) -> Meeting:
    return meeting_mark(
        actor=request.user,
        meeting=_meeting(request, relationship_id, meeting_id),
        held=payload.held,
    )


@router.get(
    "/relationships/{relationship_id}/meetings/{meeting_id}/agenda",
    response={200: list[AgendaOut], **errors(404)},
    summary="Agenda (the pair only)",
)
def agenda(
    request: AuthenticatedHttpRequest, relationship_id: Id, meeting_id: Id
) -> list[AgendaItem]:
    return list(selectors.agenda(_meeting(request, relationship_id, meeting_id)))


@router.post(
    "/relationships/{relationship_id}/meetings/{meeting_id}/agenda",
    response={201: AgendaOut, **errors(400, 403, 404, 422)},
    summary="Add an agenda item",
)
def add_agenda(
    request: AuthenticatedHttpRequest, relationship_id: Id, meeting_id: Id, payload: TextIn
) -> Status[AgendaItem]:
    item = agenda_add(
        actor=request.user,
        meeting=_meeting(request, relationship_id, meeting_id),
        text=payload.text,
    )
    return Status(201, item)


@router.put(
    "/relationships/{relationship_id}/meetings/{meeting_id}/log",
    response={200: LogOut, **errors(400, 403, 404, 422)},
    summary="Log the meeting: topics and hats",
)
def put_log(
    request: AuthenticatedHttpRequest, relationship_id: Id, meeting_id: Id, payload: LogIn
) -> MeetingLog:
    meeting = _meeting(request, relationship_id, meeting_id)
    people = selectors.member_people(meeting.relationship)
    topics = []
    for topic in payload.topics:
        if topic.brought_by not in people:
            raise ApplicationError("Each topic was brought by someone in this match.")
        topics.append((topic.title, people[topic.brought_by]))
    return log_save(
        actor=request.user,
        meeting=meeting,
        topics=topics,
        takeaways=payload.takeaways,
        next_steps=payload.next_steps,
        private_note=payload.private_note,
    )


@router.get(
    "/relationships/{relationship_id}/notes",
    response={200: list[NoteOut], **errors(404)},
    summary="Private notes (the pair only)",
)
def list_notes(request: AuthenticatedHttpRequest, relationship_id: Id) -> list[PrivateNote]:
    return list(selectors.notes(_relationship(request, relationship_id)))


@router.post(
    "/relationships/{relationship_id}/notes",
    response={201: NoteOut, **errors(400, 403, 404, 422)},
    summary="Add a private note",
)
def add_note(
    request: AuthenticatedHttpRequest, relationship_id: Id, payload: TextIn
) -> Status[PrivateNote]:
    note = note_add(
        actor=request.user,
        relationship=_relationship(request, relationship_id),
        text=payload.text,
    )
    return Status(201, note)


@router.get(
    "/relationships/{relationship_id}/goals",
    response={200: list[GoalOut], **errors(404)},
    summary="Goals",
)
def list_goals(request: AuthenticatedHttpRequest, relationship_id: Id) -> list[Goal]:
    return list(selectors.goals(_relationship(request, relationship_id)))


@router.post(
    "/relationships/{relationship_id}/goals",
    response={201: GoalOut, **errors(400, 403, 404, 422)},
    summary="Set a SMART goal",
)
def add_goal(
    request: AuthenticatedHttpRequest, relationship_id: Id, payload: GoalIn
) -> Status[Goal]:
    goal = goal_create(
        actor=request.user,
        relationship=_relationship(request, relationship_id),
        title=payload.title,
        metric=payload.metric,
        target=payload.target,
        target_date=payload.target_date,
        why=payload.why,
        milestones=payload.milestones,
    )
    return Status(201, goal)


@router.post(
    "/relationships/{relationship_id}/goals/{goal_id}/progress",
    response={200: GoalOut, **errors(400, 403, 404, 422)},
    summary="Update progress",
)
def goal_progress(
    request: AuthenticatedHttpRequest, relationship_id: Id, goal_id: Id, payload: ProgressIn
) -> Goal:
    goal, _ = selectors.access_goal(
        user=request.user, relationship_id=relationship_id, goal_id=goal_id
    )
    return goal_services.goal_progress(
        actor=request.user, goal=goal, progress=payload.progress, note=payload.note
    )


@router.post(
    "/relationships/{relationship_id}/concerns",
    response={201: ConcernOut, **errors(400, 403, 404, 422)},
    summary="Raise a concern with the coordinators (confidential)",
)
def raise_concern(
    request: AuthenticatedHttpRequest, relationship_id: Id, payload: ConcernIn
) -> Status[Concern]:
    concern = concern_raise(
        actor=request.user,
        relationship=_relationship(request, relationship_id),
        kind=payload.kind,
        text=payload.text,
    )
    return Status(201, concern)


@router.post(
    "/relationships/{relationship_id}/closing",
    response={201: ClosingOut, **errors(400, 403, 404, 422)},
    summary="Write my closing summary (ends the match if it is still active)",
)
def closing(
    request: AuthenticatedHttpRequest, relationship_id: Id, payload: ClosingIn
) -> Status[ClosingSummary]:
    summary = closing_submit(
        actor=request.user,
        relationship=_relationship(request, relationship_id),
        achieved=payload.achieved,
        learned=payload.learned,
        would_recommend_partner=payload.would_recommend_partner,
        would_do_again=payload.would_do_again,
        next_step=payload.next_step,
    )
    return Status(201, summary)


@router.get(
    "/programs/{program_id}/health",
    response={200: list[HealthOut], **errors(404, 422)},
    summary="Relationship health: status and counts only (coordinators)",
)
def program_health(
    request: AuthenticatedHttpRequest, program_id: Id, limit: int = 100, offset: int = 0
) -> list[Any]:
    """At-risk first; page with ``limit`` (at most 500) and ``offset``."""
    user = request.user
    program = access_program_as_coordinator(user=user, program_id=program_id)
    log_action(
        "relationships.health_listed",
        actor=user,
        target=program,
        request=request,
        data={"filters": request.GET.urlencode()[:200]},
    )
    return selectors.program_health(
        user=user, program=program, limit=max(1, min(limit, 500)), offset=max(0, offset)
    )

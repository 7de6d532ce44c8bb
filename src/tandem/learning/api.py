"""``/api/library`` and ``/api/me/trainings``: the same reads and writes as the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Query, Router, Schema
from pydantic import Field

from tandem.accounts.http import AuthenticatedHttpRequest
from tandem.core.schemas import MAX_ID, MAX_PAGE, Id, errors
from tandem.learning import selectors
from tandem.learning.markdown import render_markdown
from tandem.learning.models import Resource, TrainingKind
from tandem.learning.services.resources import resource_mark_helpful
from tandem.learning.services.trainings import training_acknowledge, training_submit

router = Router(tags=["learning"])

Stage = Literal["", "before_kickoff", "first_month", "closing"]
Audience = Literal["", "everyone", "mentor", "mentee"]


class LibraryQuery(Schema):
    q: Annotated[str, Field(max_length=100)] = ""
    skill: Annotated[int, Field(ge=1, le=MAX_ID)] | None = None
    stage: Stage = ""
    audience: Audience = ""
    limit: Annotated[int, Field(ge=1, le=MAX_PAGE)] = 100


class ResourceOut(Schema):
    id: int
    kind: str
    title: str
    summary: str
    program_id: int | None
    audience: str
    stages: list[str]
    skills: list[str]
    url: str
    file_name: str
    file_url: str
    helpful: bool

    @classmethod
    def of(cls, item: Resource, helpful: bool) -> ResourceOut:
        return cls(
            id=item.pk,
            kind=item.kind,
            title=item.title,
            summary=item.summary,
            program_id=item.program_id,
            audience=item.audience,
            stages=list(item.stages or []),
            skills=[s.name for s in item.skills.all()],
            url=item.url,
            file_name=item.file_name,
            file_url=f"/learning/library/{item.pk}/file/" if item.stored_name else "",
            helpful=helpful,
        )


class ResourceDetailOut(ResourceOut):
    body: str
    body_html: str


class HelpfulIn(Schema):
    helpful: bool = True


class HelpfulOut(Schema):
    id: int
    helpful: bool


class TrainingStatusOut(Schema):
    program_id: int
    program: str
    training_id: int
    title: str
    kind: str
    minutes: int
    attempts: int
    url: str


class CompleteIn(Schema):
    """A module: ``answers``, the index of the chosen answer for each question, in order. An
    agreement: ``acknowledge: true``."""

    answers: Annotated[list[Annotated[int, Field(ge=0, le=20)]], Field(max_length=20)] = []
    acknowledge: bool = False


class CompleteOut(Schema):
    training_id: int
    completed: bool
    score: int | None
    pass_mark: int | None
    wrong: list[int]
    completed_at: datetime | None


@router.get(
    "/library",
    response={200: list[ResourceOut], **errors(422)},
    summary="The library: items I may read, by search and tags",
)
def library_list(
    request: AuthenticatedHttpRequest, query: Query[LibraryQuery]
) -> list[ResourceOut]:
    filters = selectors.LibraryFilters(
        q=query.q.strip(), skill=query.skill, stage=query.stage, audience=query.audience
    )
    items = list(selectors.library(request.user, filters)[: query.limit])
    helpful = selectors.helpful_ids(selectors.person_of(request.user), items)
    return [ResourceOut.of(item, item.pk in helpful) for item in items]


@router.get(
    "/library/{resource_id}",
    response={200: ResourceDetailOut, **errors(404)},
    summary="One library item (articles with their Markdown and safe HTML)",
)
def library_item(request: AuthenticatedHttpRequest, resource_id: Id) -> ResourceDetailOut:
    item = selectors.access_resource(user=request.user, resource_id=resource_id)
    helpful = selectors.is_helpful_to(item, selectors.person_of(request.user))
    base = ResourceOut.of(item, helpful)
    return ResourceDetailOut(
        **base.model_dump(), body=item.body, body_html=str(render_markdown(item.body))
    )


@router.post(
    "/library/{resource_id}/helpful",
    response={200: HelpfulOut, **errors(400, 404)},
    summary="Mark an item helpful (or take the mark back)",
)
def library_helpful(
    request: AuthenticatedHttpRequest, resource_id: Id, payload: HelpfulIn
) -> HelpfulOut:
    item = selectors.access_resource(user=request.user, resource_id=resource_id)
    resource_mark_helpful(actor=request.user, resource=item, helpful=payload.helpful)
    return HelpfulOut(id=item.pk, helpful=payload.helpful)


@router.get(
    "/me/trainings",
    response={200: list[TrainingStatusOut], **errors()},
    summary="What I must finish before I enter a program's matching pool",
)
def my_trainings(request: AuthenticatedHttpRequest) -> list[TrainingStatusOut]:
    return [
        TrainingStatusOut(
            program_id=p.program.pk,
            program=p.program.name,
            training_id=p.training.pk,
            title=p.training.title,
            kind=p.training.kind,
            minutes=p.training.minutes,
            attempts=p.attempts,
            url=f"/learning/training/{p.training.pk}/",
        )
        for p in selectors.my_pending(request.user)
    ]


@router.post(
    "/trainings/{training_id}/complete",
    response={200: CompleteOut, **errors(400, 404, 422)},
    summary="Answer a module's questions, or acknowledge an agreement",
)
def training_complete(
    request: AuthenticatedHttpRequest, training_id: Id, payload: CompleteIn
) -> CompleteOut:
    """200 also when a module's answers do not reach the pass mark (``completed: false``, with
    the questions answered wrongly); 400 for an agreement not acknowledged."""
    user = request.user
    training = selectors.access_training(user=user, training_id=training_id)
    if training.kind == TrainingKind.MODULE:
        result = training_submit(actor=user, training=training, answers=payload.answers)
        done = selectors.completion_of(training, selectors.person_of(user))
        return CompleteOut(
            training_id=training.pk,
            completed=bool(done and done.completed_at),
            score=result.score,
            pass_mark=training.pass_mark,
            wrong=result.wrong,
            completed_at=done.completed_at if done else None,
        )
    if not payload.acknowledge:
        from tandem.core.errors import ApplicationError

        raise ApplicationError("Send acknowledge: true to acknowledge this agreement.")
    completion = training_acknowledge(actor=user, training=training)
    return CompleteOut(
        training_id=training.pk,
        completed=True,
        score=None,
        pass_mark=None,
        wrong=[],
        completed_at=completion.completed_at,
    )

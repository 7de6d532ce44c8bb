from datetime import datetime
from typing import Any

from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from tandem.accounts.http import AuthenticatedHttpRequest
from tandem.core.errors import ApplicationError, FieldError
from tandem.core.schemas import Id, errors
from tandem.feedback import results as r
from tandem.feedback import selectors
from tandem.feedback.models import QuestionKind, Survey, SurveyQuestion, SurveyStatus
from tandem.feedback.services.answers import response_submit
from tandem.people.selectors import person_for_user
from tandem.privacy import ALL, PublishedComments
from tandem.programs.selectors import access_program_as_coordinator

router = Router(tags=["feedback"])


class MessageOut(Schema):
    detail: str


class SurveyOut(Schema):
    id: int
    program_id: int
    kind: str
    title: str
    status: str
    anonymous: bool
    k_scores: int
    k_comments: int
    breakdowns: bool
    wave: int
    opens_at: datetime | None
    closes_at: datetime | None
    invited: int
    responded: int
    response_rate: int

    @classmethod
    def of(cls, survey: Survey) -> "SurveyOut":
        rate = selectors.response_rate(survey)
        return cls.model_validate(
            {
                **{f: getattr(survey, f) for f in cls.model_fields if hasattr(survey, f)},
                "invited": rate.invited,
                "responded": rate.responded,
                "response_rate": rate.percent,
            }
        )


class CellOut(Schema):
    """One group: its numbers when shown, else why they are hidden (``n`` is withheld too)."""

    group: str
    value: str | None
    shown: bool
    n: int | None = None
    mean: float | None = None
    nps: int | None = None
    distribution: dict[str, int] | None = None
    hidden_reason: str | None = None


class ViewOut(Schema):
    total: CellOut
    groups: list[CellOut]
    refused: str | None = None


class QuestionResultOut(Schema):
    id: int
    text: str
    kind: str
    hat: str
    measure: str
    result: ViewOut | None
    comments: list[str] | None = None
    comments_hidden_reason: str | None = None


class MeasureOut(Schema):
    measure: str
    label: str
    scale: str
    result: ViewOut


class SkillGrowthOut(Schema):
    skill: str
    before: CellOut
    after: CellOut
    growth: CellOut


class ResultsOut(Schema):
    survey: SurveyOut
    breakdown: str | None
    only: str | None
    respondents: ViewOut
    questions: list[QuestionResultOut]
    measures: list[MeasureOut]
    skills: list[SkillGrowthOut]


class ScaleOption(Schema):
    value: int
    label: str


class MyQuestionOut(Schema):
    id: int
    kind: str
    text: str
    help_text: str
    required: bool
    hat: str
    choices: list[str]
    scale: list[ScaleOption]


class MySurveyOut(Schema):
    id: int
    program: str
    title: str
    intro: str
    anonymous: bool
    k_scores: int
    k_comments: int
    closes_at: datetime | None
    answered: bool
    questions: list[MyQuestionOut]


class ResponseIn(Schema):
    """``answers`` maps question ids to a number (agreement 1–5, recommend 0–10), a choice,
    a list of choices, or text."""

    answers: dict[Id, Any] = Field(max_length=200)


def _cell(cell: r.Cell, question: SurveyQuestion | None = None) -> CellOut:
    value = None if cell.value is ALL else str(cell.value)
    out = CellOut(group=cell.label, value=value, shown=cell.shown)
    aggregate = cell.aggregate
    if aggregate is None:
        out.hidden_reason = cell.hidden_text
        return out
    out.n, out.mean = aggregate.n, aggregate.mean
    if question is not None:
        out.distribution = {o.label: o.count for o in r.option_counts(question, aggregate)}
        if question.kind == QuestionKind.NPS:
            out.nps = cell.nps
    return out


def _view(view: r.View, question: SurveyQuestion | None = None) -> ViewOut:
    return ViewOut(
        total=_cell(view.total, question),
        groups=[_cell(c, question) for c in view.groups],
        refused=view.refused.text if view.refused else None,
    )


def _question_result(result: r.QuestionResult) -> QuestionResultOut:
    q = result.question
    out = QuestionResultOut(
        id=q.pk,
        text=q.text,
        kind=q.kind,
        hat=q.hat,
        measure=q.measure,
        result=_view(result.view, q) if result.view else None,
    )
    if isinstance(result.comments, PublishedComments):
        out.comments = list(result.comments.texts)
    elif result.comments is not None:
        out.comments_hidden_reason = result.comments.text
    elif result.comments_note:
        out.comments_hidden_reason = result.comments_note
    return out


def _measure(m: r.MeasureResult) -> MeasureOut:
    view = _view(m.view)
    if m.scale == "nps":
        view.total.nps = m.view.total.nps
        for out, cell in zip(view.groups, m.view.groups, strict=True):
            out.nps = cell.nps
    return MeasureOut(measure=m.measure, label=m.label, scale=m.scale, result=view)


def _only(raw: str | None) -> tuple[str, str] | None:
    if not raw:
        return None
    if ":" not in raw:
        raise ApplicationError(
            "Filter as dimension:value, e.g. role:mentor.",
            errors=[FieldError("Expected dimension:value.", field="only", value=raw)],
        )
    dimension, value = raw.split(":", 1)
    return dimension, value


@router.get(
    "/programs/{program_id}/surveys",
    response={200: list[SurveyOut], **errors(404)},
    summary="Surveys of a program with response rates (coordinators)",
)
def list_surveys(request: AuthenticatedHttpRequest, program_id: Id) -> list[SurveyOut]:
    program = access_program_as_coordinator(user=request.user, program_id=program_id)
    return [SurveyOut.of(s) for s in selectors.program_surveys(program)]


@router.get(
    "/surveys/{survey_id}/results",
    response={200: ResultsOut, **errors(404, 422)},
    summary="Survey results, suppressed with the survey's thresholds (coordinators)",
)
def survey_results(
    request: AuthenticatedHttpRequest,
    survey_id: Id,
    breakdown: str | None = None,
    only: str | None = None,
) -> ResultsOut:
    """``breakdown``: department, level_band or role. ``only``: a filter such as
    ``role:mentor``. Groups below the threshold, and groups that would reveal them by
    subtraction, come back with ``shown: false`` and a reason instead of numbers."""
    result = selectors.survey_results(
        user=request.user,
        survey_id=survey_id,
        breakdown=breakdown or None,
        only=_only(only),
        request=request,
    )
    return ResultsOut(
        survey=SurveyOut.of(result.survey),
        breakdown=result.breakdown,
        only=":".join(result.only) if result.only else None,
        respondents=_view(result.respondents),
        questions=[_question_result(q) for q in result.questions],
        measures=[_measure(m) for m in result.measures],
        skills=[
            SkillGrowthOut(
                skill=s.skill,
                before=_cell(s.before),
                after=_cell(s.after),
                growth=_cell(s.growth.total),
            )
            for s in result.skills
        ],
    )


def _my_question(question: SurveyQuestion) -> MyQuestionOut:
    scale = (
        [ScaleOption(value=v, label=label) for v, label in r.scale_labels(question).items()]
        if question.kind in (QuestionKind.LIKERT, QuestionKind.NPS)
        else []
    )
    fields = {f: getattr(question, f) for f in MyQuestionOut.model_fields if f != "scale"}
    return MyQuestionOut.model_validate({**fields, "id": question.pk, "scale": scale})


@router.get("/me/surveys", response={200: list[MySurveyOut], **errors()}, summary="My open surveys")
def my_surveys(request: AuthenticatedHttpRequest) -> list[MySurveyOut]:
    user = request.user
    person = person_for_user(user)
    items = selectors.my_surveys(user)
    unanswered = [i.survey for i in items if not i.answered]
    asked = selectors.questions_for_surveys(unanswered, person) if person else {}
    out = []
    for item in items:
        survey = item.survey
        questions = asked.get(survey.pk, [])
        fields = {f: getattr(survey, f) for f in MySurveyOut.model_fields if hasattr(survey, f)}
        out.append(
            MySurveyOut.model_validate(
                {
                    **fields,
                    "program": survey.program.name,
                    "answered": item.answered,
                    "questions": [_my_question(q) for q in questions],
                }
            )
        )
    return out


@router.post(
    "/surveys/{survey_id}/responses",
    response={201: MessageOut, **errors(400, 403, 404, 409, 422)},
    summary="Answer a survey (once)",
)
def submit_response(
    request: AuthenticatedHttpRequest, survey_id: Id, payload: ResponseIn
) -> Status[MessageOut]:
    """Nothing identifying comes back: the response of an anonymous survey has no id to share."""
    user = request.user
    survey, _ = selectors.access_survey_as_respondent(user=user, survey_id=survey_id)
    if survey.status != SurveyStatus.OPEN:
        raise ApplicationError("This survey is closed; answers can no longer be sent.")
    response_submit(actor=user, survey=survey, answers=payload.answers)
    thanks = "Thank you — your answers are saved"
    return Status(
        201, MessageOut(detail=thanks + (" without your name." if survey.anonymous else "."))
    )

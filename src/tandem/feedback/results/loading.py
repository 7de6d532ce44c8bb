"""Loading a survey's responses as records for the tables (no person attached to any of them)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet

from tandem.feedback.models import (
    QuestionKind,
    Response,
    ResponseAnswer,
    Survey,
    SurveyQuestion,
)
from tandem.feedback.results.numbers import answer_value
from tandem.feedback.results.tables import Groups, Record
from tandem.privacy import (
    Comment,
)


@dataclass
class SurveyData:
    """A survey's answers grouped by question, and its respondents (no person anywhere)."""

    questions: list[SurveyQuestion]
    records: dict[int, list[Record]] = field(default_factory=dict)
    texts: dict[int, list[Comment]] = field(default_factory=dict)
    respondents: list[Record] = field(default_factory=list)
    groups: set[Groups] = field(default_factory=set)


def visible_responses(survey: Survey) -> QuerySet[Response]:
    """The released batches only, open or closed: closing releases the last batch only when it
    holds at least k answers (``feedback.services.groups.settle_at_close``)."""
    return Response.objects.filter(survey=survey, released=True)


def load(survey: Survey, *, invited_groups: Iterable[Groups] = ()) -> SurveyData:
    questions = list(survey.questions.select_related("skill"))
    by_id = {q.pk: q for q in questions}
    data = SurveyData(questions, groups=set(invited_groups))
    responses = visible_responses(survey)
    for rid, department, band, role in responses.values_list(
        "id", "department", "level_band", "role"
    ):
        data.respondents.append(Record(str(rid), department, band, role, None))
        data.groups.add((department, band, role))
    rows = ResponseAnswer.objects.filter(response__in=responses).values_list(
        "question_id",
        "response_id",
        "number",
        "choices",
        "text",
        "response__department",
        "response__level_band",
        "response__role",
    )
    for qid, rid, number, choices, text, department, band, role in rows:
        question = by_id[qid]
        if question.kind == QuestionKind.TEXT:
            data.texts.setdefault(qid, []).append(Comment(str(rid), text))
            continue
        value = answer_value(question, number, choices or [])
        if value is not None:
            record = Record(str(rid), department, band, role, value)
            data.records.setdefault(qid, []).append(record)
    return data

"""Answering a survey: every answer checked against its question; anonymous answers stored with no
link to the person (participation is recorded apart, by date only)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import transaction

from tandem.accounts.models import User
from tandem.core.errors import ApplicationError, FieldError, NotFound
from tandem.feedback import selectors
from tandem.feedback.models import (
    AttributedResponse,
    Participation,
    QuestionKind,
    Response,
    ResponseAnswer,
    Survey,
    SurveyQuestion,
    level_band,
)
from tandem.feedback.models import SurveyStatus as S
from tandem.feedback.sealing import seal
from tandem.feedback.services.common import MAX_TEXT, local_date
from tandem.people.models import Person, PersonStatus

_shuffle = secrets.SystemRandom()


def _sealed_groups(survey: Survey, person: Person) -> str:
    """The person's groups, sealed: nothing in the clear until the survey closes and they are
    coarsened with everyone else's (``feedback.services.groups``)."""
    if not survey.breakdowns:
        return ""
    return seal(
        (
            person.department.name if person.department else "",
            level_band(person.level),
            selectors.respondent_role(survey.program, person),
        )
    )


@transaction.atomic
def response_submit(
    *, actor: User, survey: Survey, answers: Mapping[int, Any], today: date | None = None
) -> None:
    """Record the signed-in person's answers, once.

    ``answers`` maps question ids to a number (Likert 1–5, NPS 0–10), a choice, a list of
    choices, or text. Questions the person is not asked are ignored. Returns nothing: the caller
    has no use for the response's id, and an anonymous one must not travel further.
    """
    person = Person.objects.filter(user=actor, status=PersonStatus.ACTIVE).first()
    survey = Survey.objects.select_related("program").get(pk=survey.pk)
    participation = (
        Participation.objects.filter(survey=survey, person=person).first() if person else None
    )
    if person is None or participation is None:
        raise NotFound()
    if survey.status != S.OPEN:
        raise ApplicationError("This survey is closed; answers can no longer be sent.")
    if participation.responded_on is not None:
        raise _already_answered()
    cleaned = clean_answers(selectors.questions_for(survey, person), answers)
    today = today or local_date()
    claimed = Participation.objects.filter(pk=participation.pk, responded_on__isnull=True).update(
        responded_on=today
    )
    if not claimed:  # a second submission raced this one and won
        raise _already_answered()
    response = Response.objects.create(
        survey=survey,
        submitted_on=None if survey.anonymous else today,
        sealed_groups=_sealed_groups(survey, person),
    )
    ResponseAnswer.objects.bulk_create(
        [
            ResponseAnswer(response=response, question=q, number=n, choices=c, text=t)
            for q, n, c, t in cleaned
        ]
    )
    if not survey.anonymous:
        AttributedResponse.objects.create(response=response, person=person)
    else:
        _rewrite_in_random_order(survey)
    _release_batch(survey)


def _release_batch(survey: Survey) -> None:
    """Release the waiting responses once there are at least ``k_scores`` of them, so two
    snapshots of the results never differ by fewer than k people."""
    waiting = Response.objects.filter(survey=survey, released=False)
    if waiting.count() >= survey.k_scores:
        waiting.update(released=True)


def _rewrite_in_random_order(survey: Survey) -> None:
    """Write the survey's anonymous responses again in a random order with new ids.

    Insertion order survives in the database (SQLite's rowid, PostgreSQL's ctid); rewriting the
    whole survey after each submission leaves an order that is a fresh random permutation,
    independent of who answered when. Surveys have hundreds of responses, not millions.
    """
    responses = list(Response.objects.filter(survey=survey).prefetch_related("answers"))
    rows = [
        (
            {f: getattr(r, f) for f in ("submitted_on", "sealed_groups", "released")},
            [(a.question_id, a.number, a.choices, a.text) for a in r.answers.all()],
        )
        for r in responses
    ]
    _shuffle.shuffle(rows)
    Response.objects.filter(pk__in=[r.pk for r in responses]).delete()
    fresh = [Response(survey=survey, **fields) for fields, _ in rows]
    Response.objects.bulk_create(fresh)
    ResponseAnswer.objects.bulk_create(
        [
            ResponseAnswer(response=new, question_id=q, number=n, choices=c, text=t)
            for new, (_, answers) in zip(fresh, rows, strict=True)
            for q, n, c, t in answers
        ]
    )


def _already_answered() -> ApplicationError:
    return ApplicationError("You have already answered this survey. Thank you!", status=409)


Cleaned = tuple[SurveyQuestion, int | None, list[str], str]


def clean_answers(questions: list[SurveyQuestion], answers: Mapping[int, Any]) -> list[Cleaned]:
    """Check every answer against its question; every problem is reported at once."""
    cleaned: list[Cleaned] = []
    errors: list[FieldError] = []
    for question in questions:
        raw = answers.get(question.pk)
        try:
            value = _clean_one(question, raw)
        except ValueError as exc:
            errors.append(FieldError(str(exc), field=f"q{question.pk}"))
            continue
        if value is None:
            if question.required:
                errors.append(FieldError("Please answer this question.", field=f"q{question.pk}"))
            continue
        cleaned.append((question, *value))
    if errors:
        raise ApplicationError("Some answers need attention.", errors=errors)
    return cleaned


def _clean_one(question: SurveyQuestion, raw: Any) -> tuple[int | None, list[str], str] | None:
    if raw in (None, "", []):
        return None
    kind = question.kind
    if kind in (QuestionKind.LIKERT, QuestionKind.NPS):
        low, high = (1, 5) if kind == QuestionKind.LIKERT else (0, 10)
        try:
            number = int(str(raw))
        except ValueError:
            number = -1
        if isinstance(raw, bool) or not low <= number <= high:
            raise ValueError(f"Choose a whole number from {low} to {high}.")
        return number, [], ""
    if kind == QuestionKind.SINGLE:
        if raw not in question.choices:
            raise ValueError("Choose one of the options.")
        return None, [str(raw)], ""
    if kind == QuestionKind.MULTI:
        chosen = [raw] if isinstance(raw, str) else list(raw)
        if any(c not in question.choices for c in chosen):
            raise ValueError("Choose from the options given.")
        return None, [c for c in question.choices if c in chosen], ""
    text = str(raw).strip()
    if len(text) > MAX_TEXT:
        raise ValueError(f"Keep it under {MAX_TEXT} characters.")
    return (None, [], text) if text else None

"""Issue 17: anonymous answers cannot be recovered over time.

Two snapshots of the results around one submission used to give that person's answers; the
physical order of the response table followed submission order.
"""

from __future__ import annotations

import itertools
import uuid

from django.db import connection

from tandem.feedback import selectors
from tandem.feedback.models import QuestionKind, Response, ResponseAnswer
from tandem.feedback.services.answers import response_submit
from tandem.feedback.services.stages import survey_transition
from tests.feedback.conftest import answers_for, invited_people, open_survey


def likert_total(coordinator, survey):
    result = selectors.survey_results(user=coordinator, survey_id=survey.pk)
    question = next(q for q in result.questions if q.question.kind == QuestionKind.LIKERT)
    return question.view.total


def test_snapshots_around_one_submission_never_differ_by_fewer_than_k(program, coordinator):
    survey = open_survey(coordinator, program)  # k_scores = 5, twelve people invited
    people = invited_people(survey)
    seen = []
    for i, person in enumerate(people):
        response_submit(
            actor=person.user, survey=survey, answers=answers_for(survey, person, score=1 + i % 5)
        )
        total = likert_total(coordinator, survey)
        seen.append(total.n if total.shown else 0)
    assert seen == [0, 0, 0, 0, 5, 5, 5, 5, 5, 10, 10, 10]
    changes = [b - a for a, b in itertools.pairwise(seen) if b != a]
    assert changes and all(change >= 5 for change in changes)
    survey_transition(actor=coordinator, survey=survey, to="closed")
    # closing does not release the last two: the closed results would differ from the last
    # open snapshot by two answers
    assert likert_total(coordinator, survey).n == 10


def test_closing_releases_a_last_batch_of_k_or_a_first_one(program, coordinator):
    survey = open_survey(coordinator, program)
    people = invited_people(survey)
    for person in people[:10]:  # one batch of 5 released, 5 waiting
        response_submit(actor=person.user, survey=survey, answers=answers_for(survey, person))
    Response.objects.filter(survey=survey).update(released=False)
    Response.objects.filter(pk__in=Response.objects.filter(survey=survey).values("pk")[:4]).update(
        released=True
    )  # four released, six waiting: closing releases the six (at least k)
    survey_transition(actor=coordinator, survey=survey, to="closed")
    assert likert_total(coordinator, survey).n == 10

    first = open_survey(coordinator, program, "midpoint")
    for person in invited_people(first)[:3]:
        response_submit(actor=person.user, survey=first, answers=answers_for(first, person))
    survey_transition(actor=coordinator, survey=first, to="closed")
    # nothing was shown before: the three are released, and hidden as fewer than k
    assert Response.objects.filter(survey=first, released=True).count() == 3
    assert not likert_total(coordinator, first).shown


def physical_order(survey) -> list[uuid.UUID]:
    """The survey's responses in storage order: SQLite's rowid, PostgreSQL's ctid."""
    column = "rowid" if connection.vendor == "sqlite" else "ctid"
    table = Response._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {table} WHERE survey_id = %s ORDER BY {column}",  # noqa: S608
            [survey.pk],
        )
        return [uuid.UUID(str(row[0])) for row in cursor.fetchall()]


def test_storage_order_does_not_follow_submission_order(program, coordinator):
    survey = open_survey(coordinator, program)
    text = next(q for q in survey.questions.all() if q.kind == QuestionKind.TEXT)
    newest_last = 0
    for i, person in enumerate(invited_people(survey)[:8]):
        answers = answers_for(survey, person)
        answers[text.pk] = f"answer {i}"
        response_submit(actor=person.user, survey=survey, answers=answers)
        last = physical_order(survey)[-1]
        newest_last += ResponseAnswer.objects.get(response_id=last, question=text).text == (
            f"answer {i}"
        )
    order = [
        ResponseAnswer.objects.get(response_id=rid, question=text).text
        for rid in physical_order(survey)
    ]
    assert sorted(order) == [f"answer {i}" for i in range(8)]
    # A fresh random order after each submission: the newest is the last row about 1 time in
    # n, not every time (a false alarm needs 7 lucky draws in a row: 1 in 40,320).
    assert newest_last < 8

"""The pulse after a session passes the survey thresholds and the privacy package: nothing while
it is open, the average only from k answers (k from settings), comments from k comments."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from tandem.community.models import PULSE_OPEN, PulseAnswer
from tandem.community.selectors import pulse_result
from tandem.community.services.rsvp import pulse_answer, rsvp_join
from tandem.core.errors import ApplicationError
from tests.conftest import client_for
from tests.factories import EnrolmentFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowd(program, members):
    people = list(members)
    for index in range(7):
        person = PersonFactory(user__email=f"c{index}@example.com")
        EnrolmentFactory(program=program, person=person)
        people.append(person.user)
    return people  # 12 people


def _answer(session, people, after, comments=()):
    for user in people:
        rsvp_join(user=user, session_id=session.pk)
    for index, user in enumerate(people):
        text = comments[index] if index < len(comments) else ""
        pulse_answer(
            user=user, session_id=session.pk, rating=3 + index % 3, comment=text, now=after
        )


def test_nothing_is_released_while_the_pulse_is_open(make_session, crowd):
    session = make_session(capacity=20)
    after = session.ends_at + timedelta(hours=1)
    _answer(session, crowd[:6], after)
    rsvp_join(user=crowd[7], session_id=session.pk)
    open_result = pulse_result(session, now=after)
    assert not open_result.closed and open_result.mean is None and open_result.answers is None
    closed = pulse_result(session, now=session.ends_at + PULSE_OPEN)
    assert closed.closed and closed.answers == 6 and closed.mean == 4.0
    assert closed.comments is None  # fewer than 10 comments
    with pytest.raises(ApplicationError, match="closed"):
        pulse_answer(
            user=crowd[7], session_id=session.pk, rating=5, now=session.ends_at + PULSE_OPEN
        )


def test_below_k_nothing_shows_and_k_comes_from_settings(make_session, crowd, settings):
    session = make_session(capacity=20)
    after = session.ends_at + timedelta(hours=1)
    _answer(session, crowd[:4], after)
    later = session.ends_at + PULSE_OPEN
    result = pulse_result(session, now=later)
    assert result.closed and result.mean is None and result.answers is None
    settings.TANDEM_MIN_K_SCORES = 8
    other = make_session(capacity=20, title="Second")
    _answer(other, crowd[:6], other.ends_at + timedelta(hours=1))
    assert pulse_result(other, now=other.ends_at + PULSE_OPEN).mean is None
    assert pulse_result(other, now=other.ends_at + PULSE_OPEN).k_scores == 8


def test_comments_only_from_ten_and_never_in_arrival_order(make_session, crowd):
    session = make_session(capacity=20)
    after = session.ends_at + timedelta(hours=1)
    texts = [f"comment {index:02d}" for index in range(10)]
    _answer(session, crowd[:10], after, comments=texts)
    result = pulse_result(session, now=session.ends_at + PULSE_OPEN)
    assert sorted(result.comments) == texts
    assert result.comments != texts  # shuffled by the session's seed, not kept in order
    assert not hasattr(PulseAnswer(), "answered_on")  # no date stored with an answer


def test_the_host_page_says_when_results_appear(make_session, crowd, coordinator):
    session = make_session(capacity=20)
    page = client_for(coordinator).get(reverse("community:session", args=[session.pk]))
    assert "Pulse" not in page.content.decode()  # not before the session
    PulseAnswer.objects.create(session=session, rating=5)
    from django.utils import timezone

    from tandem.community.models import GroupSession

    GroupSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(hours=1)
    )
    page = client_for(coordinator).get(reverse("community:session", args=[session.pk]))
    assert "The pulse is open until" in page.content.decode()

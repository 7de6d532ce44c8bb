"""Two cancellations at the same moment free two places and promote exactly two people, in
order (PostgreSQL: the session row is locked with SELECT … FOR UPDATE)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from tandem.community.models import Rsvp, RsvpStatus
from tandem.community.services.rsvp import rsvp_cancel, rsvp_join
from tandem.community.services.sessions import SessionData, session_create
from tests.factories import EnrolmentFactory, PersonFactory, ProgramFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_simultaneous_cancellations_do_not_over_promote():
    coordinator = UserFactory(email="c@example.com", role="coordinator")
    program = ProgramFactory(coordinators=[coordinator], status="active")
    people = []
    for index in range(5):
        person = PersonFactory(user__email=f"w{index}@example.com")
        EnrolmentFactory(program=program, person=person)
        people.append(person.user)
    start = timezone.now() + timedelta(days=2)
    (session,) = session_create(
        actor=coordinator,
        program=program,
        announce=False,
        data=SessionData(kind="peer_support", title="Circle", starts_at=start, capacity=2),
    )
    for user in people:
        rsvp_join(user=user, session_id=session.pk)
    first, second, w1, w2, w3 = people

    holding = threading.Event()
    release = threading.Event()
    finished: dict[str, float] = {}

    def slow_cancel() -> None:
        try:
            with transaction.atomic():
                rsvp_cancel(user=first, session_id=session.pk)
                holding.set()
                release.wait(5)
            finished["a"] = time.monotonic()
        finally:
            connections.close_all()

    def fast_cancel() -> None:
        try:
            holding.wait(5)
            rsvp_cancel(user=second, session_id=session.pk)
            finished["b"] = time.monotonic()
        finally:
            connections.close_all()

    a, b = threading.Thread(target=slow_cancel), threading.Thread(target=fast_cancel)
    a.start()
    b.start()
    holding.wait(5)
    time.sleep(0.5)
    assert "b" not in finished, "the second cancellation must wait for the first one's lock"
    release.set()
    a.join(10)
    b.join(10)
    assert finished["b"] >= finished["a"]
    status = dict(Rsvp.objects.values_list("user_id", "status"))
    assert [status[u.pk] for u in (w1, w2, w3)] == [
        RsvpStatus.GOING,
        RsvpStatus.GOING,
        RsvpStatus.WAITLISTED,
    ]
    assert Rsvp.objects.filter(session=session, status=RsvpStatus.GOING).count() == 2

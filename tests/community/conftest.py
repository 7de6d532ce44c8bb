from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.community.services.sessions import SessionData, session_create
from tests.factories import EnrolmentFactory, PersonFactory, ProgramFactory


@pytest.fixture
def program(coordinator):
    return ProgramFactory(coordinators=[coordinator], status="active", name="Engineering peers")


@pytest.fixture
def other_program(admin):
    return ProgramFactory(status="active", name="Sales buddies")


@pytest.fixture
def members(program, participant):
    """The participant and four more people, all enrolled in ``program``."""
    EnrolmentFactory(program=program, person=participant.person)
    people = [participant]
    for index in range(4):
        person = PersonFactory(user__email=f"m{index}@example.com", user__name=f"Member {index}")
        EnrolmentFactory(program=program, person=person)
        people.append(person.user)
    return people


@pytest.fixture
def make_session(coordinator, program):
    def make(**fields):
        start = fields.pop("starts_at", timezone.now() + timedelta(days=3))
        data = SessionData(
            kind=fields.pop("kind", "lunch_learn"),
            title=fields.pop("title", "Giving feedback that lands"),
            starts_at=start,
            ends_at=fields.pop("ends_at", start + timedelta(hours=1)),
            timezone=fields.pop("timezone", "Europe/Berlin"),
            online_url=fields.pop("online_url", "https://meet.example.com/feedback"),
            capacity=fields.pop("capacity", 2),
            **fields,
        )
        actor = fields.get("actor", coordinator)
        return session_create(actor=actor, program=program, data=data, announce=False)[0]

    return make

"""The coordinator's desk lists, per program, what needs them now with a link to the action."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.insights.desk import coordinator_desk
from tandem.relationships.models import Concern, RepairRequest
from tests.conftest import client_for
from tests.factories import (
    EnrolmentFactory,
    MatchRunFactory,
    ProgramFactory,
    RelationshipFactory,
    SurveyFactory,
    enrolled_program,
)

pytestmark = pytest.mark.django_db


def _lines(desk, program):
    return {i.text: (i.url, i.level) for d in desk if d.program == program for i in d.items}


def test_what_needs_the_coordinator_in_an_active_program(coordinator):
    program = ProgramFactory(status="active", coordinators=[coordinator], name="Pilot")
    risky = RelationshipFactory(program=program, health="at_risk")
    RelationshipFactory(program=program, health="on_track")
    Concern.objects.create(
        program=program,
        relationship=risky,
        raised_by=risky.members.first().person,
        kind="other",
        text="We never meet",
    )
    RepairRequest.objects.create(relationship=risky, requested_by=risky.members.last().person)
    EnrolmentFactory(program=program)  # enrolled, no match yet
    SurveyFactory(
        program=program,
        status="open",
        title="Midpoint check",
        closes_at=timezone.now() + timedelta(days=2),
    )

    lines = _lines(coordinator_desk(coordinator), program)
    health = reverse("relationships:program_health", args=[program.pk])
    assert lines["1 match is at risk"] == (health, "urgent")
    assert lines["1 concern to handle"] == (health + "#concerns", "urgent")
    assert lines["1 request for a new match"][1] == "urgent"
    assert lines["1 person is waiting for a match"] == (
        reverse("matches:program", args=[program.pk]),
        "soon",
    )
    assert any(text.startswith("“Midpoint check” closes") for text in lines)

    page = client_for(coordinator).get("/").content.decode()
    assert 'id="desk"' in page and "Pilot" in page and "3 need you" in page
    assert f'href="{health}#concerns"' in page


def test_a_run_to_review_and_a_program_waiting_to_be_matched(coordinator, outsider):
    reviewing = enrolled_program(4, coordinators=[coordinator], status="matching", name="A")
    run = MatchRunFactory(program=reviewing)
    closed_enrolment = ProgramFactory(coordinators=[coordinator], status="matching", name="B")
    EnrolmentFactory.create_batch(2, program=closed_enrolment)
    ProgramFactory(status="active", coordinators=[outsider], name="Not mine")

    desk = coordinator_desk(coordinator)
    assert [d.program.name for d in desk] == ["A", "B"]
    lines = _lines(desk, reviewing)
    assert lines[f"Match run #{run.pk} is ready for review (0 people)"] == (
        reverse("matches:run", args=[run.pk]),
        "urgent",
    )
    assert not any("waiting for a match" in text for text in lines)  # the run will place them
    assert _lines(desk, closed_enrolment) == {
        "Enrolment is closed: run the matching": (
            reverse("matches:program", args=[closed_enrolment.pk]),
            "urgent",
        )
    }


def test_a_quiet_program_says_so(coordinator):
    program = ProgramFactory(status="active", coordinators=[coordinator], name="Calm")
    RelationshipFactory(program=program, health="on_track")
    assert _lines(coordinator_desk(coordinator), program) == {}
    page = client_for(coordinator).get("/").content.decode()
    assert "Nothing needs you here today." in page

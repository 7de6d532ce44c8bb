"""Big stage changes say exactly what they will do, are refused with the reason when they make no
sense, ask for the program's name when they reach many people or cannot be undone, and can be
undone where that is possible."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tandem.core.errors import ApplicationError
from tandem.notify.models import OutboxMessage
from tandem.programs.models import ProgramStatus
from tandem.programs.services.stages import (
    TYPED_CONFIRMATION_FROM,
    program_transition,
    stage_preview,
)
from tandem.relationships.models import RelationshipStatus
from tests.conftest import client_for
from tests.factories import (
    MatchRunFactory,
    PersonFactory,
    ProgramFactory,
    RelationshipFactory,
    enrolled_program,
    make_program,
)

S = ProgramStatus
pytestmark = pytest.mark.django_db


def test_starting_a_program_without_published_matches_is_refused_with_the_reason(coordinator):
    program = enrolled_program(4, coordinators=[coordinator], status=S.MATCHING)

    preview = stage_preview(program, S.ACTIVE)
    assert preview.blockers == (
        "No matches have been published yet: run matching and publish the matches first.",
    )
    with pytest.raises(ApplicationError, match="No matches have been published yet"):
        program_transition(actor=coordinator, program=program, to=S.ACTIVE)
    program.refresh_from_db()
    assert program.status == S.MATCHING


def test_a_run_waiting_for_review_must_be_published_or_discarded_before_starting(coordinator):
    program = enrolled_program(4, coordinators=[coordinator], status=S.MATCHING)
    RelationshipFactory(program=program)
    run = MatchRunFactory(program=program)

    with pytest.raises(ApplicationError, match=f"Match run {run.pk} is ready for review"):
        program_transition(actor=coordinator, program=program, to=S.ACTIVE)
    run.status = "discarded"
    run.save()
    program = program_transition(actor=coordinator, program=program, to=S.ACTIVE)
    assert program.status == S.ACTIVE


def test_opening_enrolment_for_many_people_names_the_number_and_asks_for_the_name(
    coordinator, participant
):
    program = make_program(coordinator, name="Spring Peers")
    PersonFactory.create_batch(TYPED_CONFIRMATION_FROM)
    preview = stage_preview(program, S.ENROLLING)
    eligible = TYPED_CONFIRMATION_FROM + 2  # the batch, the coordinator and the participant
    assert f"{eligible} people eligible for this program will be emailed an invitation." in (
        preview.consequences
    )
    assert preview.confirm_phrase == "Spring Peers"

    with pytest.raises(ApplicationError, match="Type the program's name"):
        program_transition(actor=coordinator, program=program, to=S.ENROLLING, confirmation="yes")
    program.refresh_from_db()
    assert program.status == S.DRAFT
    assert not OutboxMessage.objects.filter(kind="program_invitation").exists()

    program_transition(
        actor=coordinator, program=program, to=S.ENROLLING, confirmation=" spring peers "
    )
    assert OutboxMessage.objects.filter(kind="program_invitation").count() == eligible


def test_a_small_reversible_change_needs_no_typing(coordinator):
    program = enrolled_program(3, coordinators=[coordinator], status=S.ENROLLING)
    preview = stage_preview(program, S.MATCHING)
    assert preview.confirm_phrase == ""
    assert "Enrolment closes with 3 people enrolled; nobody else can join." in preview.consequences
    assert preview.undo == "You can re-open enrolment afterwards."


def test_closing_a_program_says_how_many_matches_end_and_needs_the_name(coordinator):
    program = ProgramFactory(status=S.ACTIVE, coordinators=[coordinator], name="Pilot")
    RelationshipFactory.create_batch(2, program=program)
    RelationshipFactory(program=program, status="ended")

    preview = stage_preview(program, S.CLOSED)
    assert preview.consequences == (
        "2 running relationships end; the 4 people in them are told and asked for a closing "
        "summary.",
    )
    assert preview.confirm_phrase == "Pilot"
    assert preview.undo.startswith("This cannot be undone")
    with pytest.raises(ApplicationError):
        program_transition(actor=coordinator, program=program, to=S.CLOSED)
    assert program.relationships.filter(status=RelationshipStatus.ACTIVE).count() == 2


def test_undo_reopen_enrolment_and_back_to_matching(coordinator):
    program = enrolled_program(2, coordinators=[coordinator], status=S.MATCHING)
    assert program_transition(actor=coordinator, program=program, to=S.ENROLLING).status == (
        S.ENROLLING
    )
    program = program_transition(actor=coordinator, program=program, to=S.MATCHING)
    RelationshipFactory(program=program)
    program = program_transition(actor=coordinator, program=program, to=S.ACTIVE)
    program = program_transition(actor=coordinator, program=program, to=S.MATCHING)
    assert program.status == S.MATCHING
    assert program.relationships.get().status == RelationshipStatus.ACTIVE


def test_the_confirmation_page_shows_the_numbers_and_refuses_a_wrong_name(coordinator):
    program = ProgramFactory(status=S.ACTIVE, coordinators=[coordinator], name="Pilot")
    RelationshipFactory(program=program)
    client = client_for(coordinator)
    url = reverse("programs:stage", args=[program.pk, S.CLOSED])

    page = client.get(url).content.decode()
    assert "1 running relationship end; the 2 people in them" in page
    assert "type <strong>Pilot</strong> to confirm" in page

    wrong = client.post(url, {"confirmation": "Pliot"})
    assert wrong.status_code == 200
    assert "Type “Pilot” to confirm." in wrong.content.decode()
    program.refresh_from_db()
    assert program.status == S.ACTIVE

    done = client.post(url, {"confirmation": "Pilot"})
    assert done.status_code == 302
    program.refresh_from_db()
    assert program.status == S.CLOSED


def test_the_start_page_shows_why_it_cannot_start_and_offers_no_button(coordinator):
    program = enrolled_program(2, coordinators=[coordinator], status=S.MATCHING)
    page = client_for(coordinator).get(reverse("programs:stage", args=[program.pk, S.ACTIVE]))
    html = page.content.decode()
    assert "Not possible yet" in html and "No matches have been published yet" in html
    assert ">Start the program</button>" not in html


def test_the_api_previews_and_requires_the_confirmation(coordinator):
    program = ProgramFactory(status=S.ACTIVE, coordinators=[coordinator], name="Pilot")
    RelationshipFactory(program=program)
    client = client_for(coordinator)
    preview = client.get(f"/api/programs/{program.pk}/transition/closed").json()
    assert preview["confirm_phrase"] == "Pilot" and preview["blockers"] == []

    refused = client.post(
        f"/api/programs/{program.pk}/transition", {"to": "closed"}, content_type="application/json"
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "confirmation"
    done = client.post(
        f"/api/programs/{program.pk}/transition",
        {"to": "closed", "confirmation": "Pilot"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["status"] == "closed"

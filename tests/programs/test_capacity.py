"""Each mentor (and each peer, where the program allows several partners) sets their own limit
within the program's cap; the engine's input carries it; a mentee always has one mentor."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tandem.matches import engine_input
from tandem.programs.models import Enrolment
from tests.conftest import client_for
from tests.factories import SkillFactory, make_program

pytestmark = pytest.mark.django_db


def _answers(person, skill, role: str) -> dict[str, object]:
    return {
        "accept": "on",
        "q_role": role,
        "q_goals": "Grow as a lead",
        "q_level": "4",
        "q_department": person.department_id,
        "q_timezone": "Europe/Berlin",
        "q_languages": ["en"],
        "q_skills_wanted": [skill.pk],
        "q_skills_offered": [skill.pk],
    }


def test_a_mentor_says_how_many_mentees_and_matching_uses_it(coordinator, participant, outsider):
    skill = SkillFactory()
    program = make_program(coordinator, kind="mentor_mentee", status="enrolling", capacity_cap=3)
    join = reverse("programs:join", args=[program.pk])

    page = client_for(participant).get(join).content.decode()
    assert "How many mentees can you take on at once?" in page
    response = client_for(participant).post(
        join, {**_answers(participant.person, skill, "mentor"), "capacity": "3"}
    )
    assert response.status_code == 302
    client_for(outsider).post(join, {**_answers(outsider.person, skill, "mentee"), "capacity": "3"})

    mentor = Enrolment.objects.get(person=participant.person)
    mentee = Enrolment.objects.get(person=outsider.person)
    assert (mentor.role, mentor.capacity) == ("mentor", 3)
    assert (mentee.role, mentee.capacity) == ("mentee", 1)
    by_id = {int(p.id): p for p in engine_input.participants(program)}
    assert by_id[participant.person.pk].capacity == 3
    assert by_id[outsider.person.pk].capacity == 1

    again = client_for(participant).get(join).content.decode()
    assert '<option value="3" selected>3</option>' in again


def test_more_than_the_cap_is_refused_on_the_field(coordinator, participant):
    skill = SkillFactory()
    program = make_program(coordinator, kind="mentor_mentee", status="enrolling", capacity_cap=2)
    response = client_for(participant).post(
        reverse("programs:join", args=[program.pk]),
        {**_answers(participant.person, skill, "mentor"), "capacity": "5"},
    )
    assert response.status_code == 200
    assert "Select a valid choice. 5 is not one of the available choices." in (
        response.content.decode()
    )
    assert not Enrolment.objects.exists()


def test_the_api_takes_a_capacity_within_the_cap(coordinator, participant):
    program = make_program(coordinator, kind="peer_pairs", status="enrolling", capacity_cap=2)
    program.questions.exclude(key="goals").delete()
    client = client_for(participant)
    url = f"/api/programs/{program.pk}/enrolment"
    body = {"accept": True, "answers": {"goals": "Grow"}}
    refused = client.put(url, {**body, "capacity": 3}, content_type="application/json")
    assert refused.status_code == 422
    done = client.put(url, {**body, "capacity": 2}, content_type="application/json")
    assert done.status_code == 200 and done.json()["capacity"] == 2


def test_a_program_with_a_cap_of_one_does_not_ask(coordinator, participant):
    program = make_program(coordinator, status="enrolling", capacity_cap=1)
    page = client_for(participant).get(reverse("programs:join", args=[program.pk]))
    assert "How many partners" not in page.content.decode()

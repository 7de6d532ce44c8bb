"""Criteria versions (``tandem.matches.services.criteria``): every save keeps a new version, so
every run names exactly the configuration it used; a config the engine cannot use is refused with
every problem listed, and nothing is kept."""

from __future__ import annotations

import json

import pytest

from tandem.core.errors import ApplicationError
from tandem.matches.models import CriteriaVersion
from tandem.matches.services.criteria import criteria_save, current_criteria
from tests.conftest import client_for
from tests.factories import ProgramFactory, UserFactory
from tests.matches.conftest import audited


def test_saving_criteria_keeps_every_version(coordinator, program_factory):
    program = program_factory(4)
    v1 = current_criteria(program)
    config = json.loads(json.dumps(v1.config))
    config["criteria"][0]["weight"] = 9
    v2 = criteria_save(actor=coordinator, program=program, config=config, note="more skills")
    assert (v1.number, v2.number) == (1, 2)
    assert CriteriaVersion.objects.get(pk=v1.pk).config != v2.config
    with pytest.raises(ApplicationError) as caught:
        criteria_save(
            actor=coordinator,
            program=program,
            config={"criteria": [{"field": "level", "rule": "complementary", "weight": 1}]},
        )
    assert "rule 'complementary' does not apply to 'level'" in caught.value.errors[0].message


@pytest.mark.parametrize(
    ("kind", "criteria"),
    [
        (
            "peer_pairs",
            "skills complementary, level close, timezone overlap, languages overlap, "
            "department different, goals similar_text, availability overlap, interests overlap",
        ),
        (
            "mentor_mentee",  # no level rule: mentors are meant to be further along
            "skills complementary, timezone overlap, languages overlap, department different, "
            "goals similar_text, availability overlap",
        ),
        (
            "coffee_rotation",  # no skills or goals: a chat, not a development plan
            "timezone overlap, languages overlap, department different, availability overlap, "
            "interests overlap",
        ),
        (
            "onboarding_buddy",  # a buddy from the same department
            "skills complementary, timezone overlap, languages overlap, department same, "
            "availability overlap, interests overlap",
        ),
    ],
)
def test_the_first_version_is_the_defaults_for_the_kind(coordinator, kind, criteria):
    program = ProgramFactory(kind=kind, status="matching", coordinators=[coordinator])
    first = current_criteria(program)
    assert first.number == 1 and first.note == "Defaults for this kind of program"
    assert ", ".join(f"{c['field']} {c['rule']}" for c in first.config["criteria"]) == criteria
    assert current_criteria(program) == first  # asked again: the same version, not a new one


def test_saving_unchanged_criteria_keeps_one_version(coordinator, program_factory):
    program = program_factory(4)
    first = current_criteria(program)
    again = criteria_save(actor=coordinator, program=program, config=dict(first.config))
    assert again == first and program.criteria_versions.count() == 1
    assert audited("matching.criteria_saved") == 0


def test_a_refused_config_lists_every_problem_and_keeps_nothing(coordinator, program_factory):
    program = program_factory(4)
    current_criteria(program)
    bad = {
        "criteria": [
            {"field": "level", "rule": "complementary", "weight": 1},
            {"field": "skills", "rule": "complementary", "weight": -2},
            {"field": "timezone", "rule": "overlap", "colour": "blue"},
            {"field": "languages", "rule": "guess"},
        ],
        "constraints": {"group_size": 9},
    }
    with pytest.raises(ApplicationError) as caught:
        criteria_save(actor=coordinator, program=program, config=bad)
    messages = [e.message for e in caught.value.errors]
    assert caught.value.message == "These criteria cannot be used."
    assert len(messages) == 5, messages
    for expected in (
        "rule 'complementary' does not apply to 'level'",
        "weight must not be negative",
        "unknown key 'colour'",
        "rule 'guess' is not one of",
        "group_size must be between 3 and 6, not 9",
    ):
        assert any(expected in m for m in messages), (expected, messages)
    assert program.criteria_versions.count() == 1
    assert audited("matching.criteria_saved") == 0


def test_an_empty_config_is_refused(coordinator, program_factory):
    program = program_factory(4)
    with pytest.raises(ApplicationError) as caught:
        criteria_save(actor=coordinator, program=program, config={"criteria": []})
    assert [e.message for e in caught.value.errors] == ["at least one [[criteria]] table is needed"]


def test_the_kind_always_comes_from_the_program(coordinator, program_factory):
    program = program_factory(4)
    config = dict(current_criteria(program).config)
    config["kind"] = "circles"
    config["criteria"] = [*config["criteria"], {"field": "level", "rule": "same", "weight": 1}]
    saved = criteria_save(actor=coordinator, program=program, config=config, note="x" * 300)
    assert saved.config["kind"] == "peer_pairs"
    assert len(saved.note) == 200 and saved.created_by == coordinator
    assert audited("matching.criteria_saved") == 1


def test_only_the_programs_coordinators_save_criteria(coordinator, program_factory):
    program = program_factory(4)
    other = UserFactory(role="coordinator")
    with pytest.raises(ApplicationError) as caught:
        criteria_save(actor=other, program=program, config=dict(current_criteria(program).config))
    assert caught.value.status == 403


def test_reading_the_criteria_through_the_api_writes_nothing(coordinator, program_factory):
    program = program_factory(4)
    response = client_for(coordinator).get(f"/api/programs/{program.pk}/criteria")
    assert response.status_code == 200
    assert [(v["id"], v["number"]) for v in response.json()] == [(None, 1)]
    assert not CriteriaVersion.objects.filter(program=program).exists()

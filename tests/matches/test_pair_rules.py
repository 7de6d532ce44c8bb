"""Locks and forbids (``tandem.matches.services.pair_rules``): one rule per pair of enrolled
people, a person locked to one partner at most (circles excepted), foreign ids refused — and the
next run keeps every lock and makes no forbidden pair."""

from __future__ import annotations

import pytest
from django.test import Client

from tandem.core.errors import ApplicationError, NotFound
from tandem.matches.models import PairRule, PairRuleKind
from tandem.matches.services.pair_rules import pair_rule_remove, pair_rule_set
from tandem.people.models import Person
from tandem.programs.models import EnrolmentStatus
from tests.conftest import client_for
from tests.factories import EnrolmentFactory, PersonFactory, ProgramFactory, UserFactory
from tests.matches.conftest import audited, enrolled, groups, run_now

LOCK, FORBID = PairRuleKind.LOCK, PairRuleKind.FORBID


def rules(program) -> list[tuple[str, int, int]]:
    return [(r.kind, r.first_id, r.second_id) for r in PairRule.objects.filter(program=program)]


def test_rerun_keeps_every_lock_and_no_forbidden_pair_appears(coordinator, program_factory):
    program = program_factory(16)
    first = run_now(coordinator, program)
    pairs = [sorted(g) for g in groups(first)]
    people = {p.pk: p for p in Person.objects.filter(enrolments__program=program)}
    # forbid every pair the first run made, and lock two people who were not together
    for a, b in pairs:
        pair_rule_set(
            actor=coordinator,
            program=program,
            first=people[a],
            second=people[b],
            kind=PairRuleKind.FORBID,
        )
    locked = (pairs[0][0], pairs[1][0])
    pair_rule_set(
        actor=coordinator,
        program=program,
        first=people[locked[0]],
        second=people[locked[1]],
        kind=PairRuleKind.LOCK,
    )
    second = run_now(coordinator, program, seed=1)
    result = groups(second)
    assert set(locked) in result
    forbidden = {frozenset(p) for p in pairs} - {frozenset(locked)}
    assert not any(frozenset(g) in forbidden for g in result)
    assert second.rules["locks"] == [[str(min(locked)), str(max(locked))]]


def test_one_rule_per_pair_whichever_way_round(coordinator, program_factory):
    program = program_factory(4)
    a, b, *_ = enrolled(program)
    pair_rule_set(actor=coordinator, program=program, first=b, second=a, kind=LOCK)
    rule = pair_rule_set(actor=coordinator, program=program, first=a, second=b, kind=FORBID)
    assert rules(program) == [(FORBID, min(a.pk, b.pk), max(a.pk, b.pk))]
    assert (rule.first_id, rule.created_by) == (min(a.pk, b.pk), coordinator)
    assert audited("matching.pair_lock") == 1 and audited("matching.pair_forbid") == 1


def test_a_second_lock_for_the_same_person_clashes(coordinator, program_factory):
    program = program_factory(4)
    a, b, c, _ = enrolled(program)
    pair_rule_set(actor=coordinator, program=program, first=a, second=b, kind=LOCK)
    with pytest.raises(ApplicationError, match="already locked with someone else"):
        pair_rule_set(actor=coordinator, program=program, first=c, second=a, kind=LOCK)
    pair_rule_set(actor=coordinator, program=program, first=c, second=a, kind=FORBID)  # fine
    pair_rule_set(actor=coordinator, program=program, first=a, second=b, kind=LOCK)  # same again
    assert sorted(k for k, *_ in rules(program)) == [FORBID, LOCK]


def test_circles_may_lock_several_people_together(coordinator, program_factory):
    program = program_factory(6, kind="circles")
    a, b, c, *_ = enrolled(program)
    pair_rule_set(actor=coordinator, program=program, first=a, second=b, kind=LOCK)
    pair_rule_set(actor=coordinator, program=program, first=a, second=c, kind=LOCK)
    assert [k for k, *_ in rules(program)] == [LOCK, LOCK]


@pytest.mark.parametrize(
    ("who", "kind", "message"),
    [
        ("same", LOCK, "Choose two different people."),
        ("enrolled", "maybe", "Choose lock or forbid."),
        ("withdrawn", LOCK, "Both people must be enrolled in the program."),
        ("stranger", FORBID, "Both people must be enrolled in the program."),
        ("other_program", LOCK, "Both people must be enrolled in the program."),
    ],
)
def test_refused_rules_change_nothing(coordinator, program_factory, who, kind, message):
    program = program_factory(4)
    a, b, *_ = enrolled(program)
    if who == "same":
        b = a
    elif who == "withdrawn":
        b.enrolments.update(status=EnrolmentStatus.WITHDRAWN)
    elif who == "stranger":
        b = PersonFactory()
    elif who == "other_program":
        b = _enrolled_elsewhere(coordinator)
    with pytest.raises(ApplicationError) as caught:
        pair_rule_set(actor=coordinator, program=program, first=a, second=b, kind=kind)
    assert caught.value.message == message
    assert rules(program) == []


def _enrolled_elsewhere(coordinator) -> Person:
    other = ProgramFactory(status="matching", coordinators=[coordinator])
    return EnrolmentFactory(program=other).person


def test_removing_a_rule(coordinator, program_factory):
    program = program_factory(4)
    a, b, *_ = enrolled(program)
    rule = pair_rule_set(actor=coordinator, program=program, first=a, second=b, kind=FORBID)
    pair_rule_remove(actor=coordinator, program=program, rule_id=rule.pk)
    assert rules(program) == [] and audited("matching.pair_rule_removed") == 1
    with pytest.raises(NotFound):
        pair_rule_remove(actor=coordinator, program=program, rule_id=rule.pk)


def test_another_programs_rule_is_not_found_and_stays(coordinator, program_factory):
    program, other = program_factory(4), ProgramFactory(coordinators=[coordinator])
    a, b, *_ = enrolled(program)
    rule = pair_rule_set(actor=coordinator, program=program, first=a, second=b, kind=LOCK)
    with pytest.raises(NotFound):
        pair_rule_remove(actor=coordinator, program=other, rule_id=rule.pk)
    assert PairRule.objects.filter(pk=rule.pk).exists()


def test_only_the_programs_coordinators_set_rules(program_factory):
    program = program_factory(4)
    a, b, *_ = enrolled(program)
    stranger = UserFactory(role="coordinator")
    with pytest.raises(ApplicationError) as caught:
        pair_rule_set(actor=stranger, program=program, first=a, second=b, kind=LOCK)
    assert caught.value.status == 403 and rules(program) == []


def test_the_api_refuses_unknown_and_foreign_ids(coordinator, program_factory):
    program = program_factory(4)
    a, b, *_ = enrolled(program)
    client: Client = client_for(coordinator)
    url = f"/api/programs/{program.pk}/rules"
    unknown = client.post(
        url, {"first": a.pk, "second": 999_999, "kind": "lock"}, content_type="application/json"
    )
    assert unknown.status_code == 400 and unknown.json()["detail"] == "Unknown person."
    stranger = PersonFactory()
    foreign = client.post(
        url, {"first": a.pk, "second": stranger.pk, "kind": "lock"}, content_type="application/json"
    )
    assert foreign.status_code == 400
    made = client.post(
        url, {"first": a.pk, "second": b.pk, "kind": "forbid"}, content_type="application/json"
    )
    assert made.status_code == 201 and made.json()["kind"] == "forbid"
    other = ProgramFactory(coordinators=[coordinator])
    assert client.delete(f"/api/programs/{other.pk}/rules/{made.json()['id']}").status_code == 404
    assert client.delete(f"{url}/{made.json()['id']}").status_code == 204
    assert rules(program) == []

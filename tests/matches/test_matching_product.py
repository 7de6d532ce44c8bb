"""Matching inside the product: runs, review edits, publish, answers, re-pair, rotations."""

from __future__ import annotations

import itertools
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.core.errors import ApplicationError
from tandem.matches.models import CriteriaVersion, MatchRun, PairRuleKind, ProposalMember, RunStatus
from tandem.matches.selectors import pool
from tandem.matches.services import publish
from tandem.matches.services.criteria import criteria_save, current_criteria
from tandem.matches.services.pair_rules import pair_rule_set
from tandem.matches.services.publish import run_publish
from tandem.matches.services.review import proposal_swap
from tandem.matches.services.rotations import rotation_round
from tandem.matches.services.runs import run_create
from tandem.matches.solving import run_execute
from tandem.notify.models import OutboxMessage
from tandem.people.models import Person
from tandem.programs.models import Program, ProgramStatus
from tandem.relationships.models import Membership, Relationship, RelationshipStatus, RepairRequest
from tandem.relationships.services.answers import (
    answer_deadlines,
    membership_accept,
    membership_decline,
    repair_request,
)
from tandem.relationships.services.lifecycle import relationship_end
from tests.conftest import client_for


def run_now(coordinator, program, **kwargs) -> MatchRun:
    run = run_create(actor=coordinator, program=program, **kwargs)
    run_execute(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    return run


def groups(run: MatchRun) -> list[set[int]]:
    return [set(p.members.values_list("person_id", flat=True)) for p in run.proposals.all()]


def test_a_run_records_its_criteria_version_and_statistics(coordinator, program_factory):
    program = program_factory(12)
    run = run_now(coordinator, program)
    assert run.criteria == CriteriaVersion.objects.get(program=program, number=1)
    assert run.stats["matched"] == 12 and run.stats["gap"] == pytest.approx(0, abs=1e-9)
    assert {"objective", "bound", "worst_off", "seconds", "solver"} <= run.stats.keys()
    assert all(len(g) == 2 for g in groups(run))
    assert all(p.explanation for p in run.proposals.all())
    same_again = run_now(coordinator, program, seed=run.seed)
    assert sorted(map(sorted, groups(same_again))) == sorted(
        map(sorted, groups(run))
    )  # reproducible


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


def test_swap_rescores_both_proposals(coordinator, program_factory):
    program = program_factory(6)
    run = run_now(coordinator, program)
    a_group, b_group = [sorted(g) for g in groups(run)[:2]]
    first, second = Person.objects.get(pk=a_group[0]), Person.objects.get(pk=b_group[0])
    proposal_swap(actor=coordinator, run=run, first=first, second=second)
    new_groups = groups(run)
    assert {second.pk, a_group[1]} in new_groups and {first.pk, b_group[1]} in new_groups
    assert run.proposals.filter(edited=True).count() == 2


def test_publish_is_all_or_nothing(coordinator, program_factory, monkeypatch):
    program = program_factory(8)
    run = run_now(coordinator, program)
    before = OutboxMessage.objects.count()

    def explode(*args, **kwargs):
        raise RuntimeError("mail template crashed")

    monkeypatch.setattr(publish, "_notify_published", explode)
    with pytest.raises(RuntimeError):
        run_publish(actor=coordinator, run=run)
    assert Relationship.objects.count() == 0
    assert Membership.objects.count() == 0
    assert OutboxMessage.objects.count() == before
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    monkeypatch.undo()

    relationships = run_publish(actor=coordinator, run=run)
    assert len(relationships) == 4
    assert Program.objects.get(pk=program.pk).status == ProgramStatus.ACTIVE
    proposed = OutboxMessage.objects.filter(kind="match_proposed")
    assert proposed.count() == 8
    body = proposed.first().body_text
    assert "Why this match:" in body and "/matches/m/" in body and "accept or decline" in body
    with pytest.raises(ApplicationError, match="already published"):
        run_publish(actor=coordinator, run=run)


def test_accept_decline_and_the_rematch_pool(coordinator, program_factory):
    program = program_factory(8)
    run_publish(actor=coordinator, run=run_now(coordinator, program))
    first, second = Relationship.objects.filter(program=program)[:2]
    a, b = first.members.select_related("person__user")
    membership_accept(actor=a.person.user, membership=a)
    first.refresh_from_db()
    assert first.status == RelationshipStatus.PROPOSED  # both must accept
    membership_accept(actor=b.person.user, membership=b)
    first.refresh_from_db()
    assert first.status == RelationshipStatus.ACTIVE

    c, d = second.members.select_related("person__user")
    membership_decline(actor=c.person.user, membership=c, reason="We sit together")
    second.refresh_from_db()
    assert second.status == RelationshipStatus.DECLINED
    assert OutboxMessage.objects.filter(
        kind="match_declined", recipient=d.person.user.email
    ).exists()
    declined_email = OutboxMessage.objects.get(kind="match_declined")
    assert "We sit together" not in declined_email.body_text  # the reason stays private
    in_pool = {e.person_id for e in pool(program)}
    assert {c.person_id, d.person_id} <= in_pool

    rematch = run_now(coordinator, program, purpose="rematch")
    assert rematch.participants == len(in_pool)
    assert {c.person_id, d.person_id} not in groups(rematch)  # not the declined pair again


def test_both_need_not_accept_when_the_program_says_so(coordinator, program_factory):
    program = program_factory(4)
    Program.objects.filter(pk=program.pk).update(both_must_accept=False)
    relationships = run_publish(actor=coordinator, run=run_now(coordinator, program))
    assert {r.status for r in relationships} == {RelationshipStatus.ACTIVE}


def test_unanswered_matches_are_reminded_then_escalated(coordinator, program_factory):
    program = program_factory(4)
    run_publish(actor=coordinator, run=run_now(coordinator, program))
    today = timezone.localdate()
    assert answer_deadlines(today=today) == (0, 0)
    later = today + timedelta(days=program.response_days + 1)
    assert answer_deadlines(today=later) == (4, 0)
    assert answer_deadlines(today=later) == (0, 0)  # safe to run twice
    assert answer_deadlines(today=later + timedelta(days=2)) == (0, 4)
    assert (
        OutboxMessage.objects.filter(
            kind="match_unanswered_alert", recipient=coordinator.email
        ).count()
        == 4
    )


def test_repair_request_is_confidential_and_ending_returns_both_to_the_pool(
    coordinator, program_factory, admin
):
    program = program_factory(6)
    run_publish(actor=coordinator, run=run_now(coordinator, program))
    relationship = Relationship.objects.filter(program=program).first()
    asker, partner = relationship.members.select_related("person__user")
    repair_request(actor=asker.person.user, relationship=relationship, reason="SECRET-REASON-42")
    assert not OutboxMessage.objects.filter(
        recipient=partner.person.user.email, kind="repair_requested"
    ).exists()
    alert = OutboxMessage.objects.get(kind="repair_requested")
    assert alert.recipient == coordinator.email and "SECRET-REASON-42" not in alert.body_text
    partner_page = client_for(partner.person.user).get(f"/matches/m/{partner.pk}/").content.decode()
    assert "SECRET-REASON-42" not in partner_page and asker.person.user.name in partner_page
    coordinator_page = (
        client_for(coordinator).get(f"/matches/programs/{program.pk}/").content.decode()
    )
    assert "SECRET-REASON-42" in coordinator_page
    relationship_end(
        actor=coordinator, relationship=relationship, reason="repair", note="schedules"
    )
    assert RepairRequest.objects.get().handled_at is not None
    assert {asker.person_id, partner.person_id} <= {e.person_id for e in pool(program)}


def test_rotation_rounds_never_repeat_a_pair_within_the_cooldown(coordinator, program_factory):
    program = program_factory(20, kind="coffee_rotation", repeat_cooldown_rounds=3)
    Program.objects.filter(pk=program.pk).update(status=ProgramStatus.ACTIVE)
    program.refresh_from_db()
    now = timezone.now()
    history: list[list[frozenset[int]]] = []
    for round_number in range(1, 9):
        moment = now + timedelta(days=14 * round_number)
        run = rotation_round(program=program, now=moment)
        assert run is not None and run.status == RunStatus.PUBLISHED, run.error if run else None
        assert run.round == round_number
        assert rotation_round(program=program, now=moment) is None  # not due twice
        MatchRun.objects.filter(pk=run.pk).update(created_at=moment)
        pairs = [
            frozenset(r.members.values_list("person_id", flat=True))
            for r in Relationship.objects.filter(run=run)
        ]
        unpaired = OutboxMessage.objects.filter(
            kind="not_matched", event_key__startswith=f"match-run:{run.pk}:"
        )
        assert len(pairs) * 2 + unpaired.count() == 20
        history.append(pairs)
    for index, pairs in enumerate(history):
        recent = set(itertools.chain.from_iterable(history[max(0, index - 3) : index]))
        assert not recent & set(pairs), f"round {index + 1} repeats a pair from the last 3 rounds"
    live = Relationship.objects.filter(program=program, status__in=["proposed", "active"])
    assert {r.round for r in live} == {8}


def test_mentor_capacity_is_respected(coordinator, program_factory):
    program = program_factory(12, kind="mentor_mentee")
    run = run_now(coordinator, program)
    per_mentor: dict[int, int] = {}
    for member in ProposalMember.objects.filter(proposal__run=run, role="mentor"):
        per_mentor[member.person_id] = per_mentor.get(member.person_id, 0) + 1
    assert per_mentor and max(per_mentor.values()) <= 2


def test_participants_see_only_their_own_match(coordinator, program_factory):
    program = program_factory(4)
    run_publish(actor=coordinator, run=run_now(coordinator, program))
    mine, _theirs = Membership.objects.filter(relationship__program=program).select_related(
        "person__user"
    )[:2:1]
    other = Membership.objects.exclude(relationship=mine.relationship).first()
    client = client_for(mine.person.user)
    assert client.get(f"/matches/m/{mine.pk}/").status_code == 200
    assert client.get(f"/matches/m/{other.pk}/").status_code == 404
    assert [m["id"] for m in client.get("/api/matches").json()] == [mine.pk]
    assert client.get(f"/matches/runs/{mine.relationship.run_id}/").status_code == 404
    assert client.get(f"/api/runs/{mine.relationship.run_id}").status_code == 404


def test_killed_run_shows_nothing_and_can_run_again(coordinator, program_factory, monkeypatch):
    program = program_factory(10)
    run = run_create(actor=coordinator, program=program)

    def die(*args, **kwargs):
        raise SystemExit("worker killed")  # like SIGTERM during the final write

    monkeypatch.setattr(ProposalMember.objects, "bulk_create", die)
    with pytest.raises(SystemExit):
        run_execute(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING and not run.proposals.exists()
    monkeypatch.undo()
    assert run_execute(run.pk) is None  # the claim is still fresh: no double work
    MatchRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    assert run_execute(run.pk) is not None
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.proposals.count() == 5


def test_a_run_stores_what_the_engines_check_finds_and_such_a_run_cannot_be_published(
    coordinator, program_factory, monkeypatch
):
    from tandem.matches import solving

    program = program_factory(6)
    clean = run_now(coordinator, program)
    assert clean.check_problems == []

    monkeypatch.setattr(
        solving, "check_solution", lambda problem, solution: ["1 and 2 share a manager"]
    )
    broken = run_now(coordinator, program, purpose="rematch")
    assert broken.status == RunStatus.DONE
    assert broken.check_problems == ["1 and 2 share a manager"]
    with pytest.raises(ApplicationError, match="own check") as refused:
        run_publish(actor=coordinator, run=broken)
    assert [e.message for e in refused.value.errors] == ["1 and 2 share a manager"]
    assert not Relationship.objects.filter(run=broken).exists()
    page = client_for(coordinator).get(f"/matches/runs/{broken.pk}/")
    assert "share a manager" in page.content.decode()

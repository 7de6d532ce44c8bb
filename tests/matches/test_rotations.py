"""Programs that match themselves (``tandem.matches.services.rotations``): coffee-rotation
rounds on the program's cadence that never repeat a recent pair, and buddies for new hires as
they arrive."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.matches.models import MatchRun, RunPurpose, RunStatus
from tandem.matches.services.rotations import pair_new_hires, rotation_due, rotation_round
from tandem.notify.models import OutboxMessage
from tandem.programs.models import Enrolment, EnrolmentRole, Program, ProgramStatus
from tandem.relationships.models import Relationship, RelationshipStatus
from tests.factories import EnrolmentFactory, MatchRunFactory, PersonFactory, ProgramFactory

pytestmark = pytest.mark.django_db


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


@pytest.mark.parametrize(("cadence", "days"), [("weekly", 7), ("biweekly", 14), ("monthly", 30)])
def test_a_round_is_due_one_cadence_after_the_last(cadence, days):
    program = ProgramFactory(kind="coffee_rotation", status="active", cadence=cadence)
    now = timezone.now()
    assert rotation_due(program, now)  # no round yet
    MatchRunFactory(program=program, purpose=RunPurpose.ROTATION, round=1, created_at=now)
    assert not rotation_due(program, now + timedelta(days=days) - timedelta(minutes=1))
    assert rotation_due(program, now + timedelta(days=days))


@pytest.mark.parametrize("status", [RunStatus.FAILED, RunStatus.DISCARDED])
def test_a_failed_or_discarded_round_does_not_count(status):
    program = ProgramFactory(kind="coffee_rotation", status="active")
    now = timezone.now()
    MatchRunFactory(program=program, purpose=RunPurpose.ROTATION, created_at=now, status=status)
    assert rotation_due(program, now)


@pytest.mark.parametrize(
    ("kind", "status"),
    [("peer_pairs", "active"), ("coffee_rotation", "matching"), ("coffee_rotation", "closed")],
)
def test_only_active_rotations_start_rounds(kind, status):
    program = ProgramFactory(kind=kind, status=status)
    EnrolmentFactory.create_batch(4, program=program)
    assert rotation_round(program=program, now=timezone.now()) is None
    assert not MatchRun.objects.exists()


def test_a_new_round_ends_the_last_one_quietly_and_starts_at_once(coordinator, program_factory):
    program = program_factory(6, kind="coffee_rotation")
    Program.objects.filter(pk=program.pk).update(status=ProgramStatus.ACTIVE)
    program.refresh_from_db()
    now = timezone.now()
    first = rotation_round(program=program, now=now)
    mail_after_first = OutboxMessage.objects.count()
    second = rotation_round(program=program, now=now + timedelta(days=14))
    old = Relationship.objects.filter(run=first)
    assert {(r.status, r.end_reason) for r in old} == {(RelationshipStatus.ENDED, "round_ended")}
    new = Relationship.objects.filter(run=second)
    assert {r.status for r in new} == {RelationshipStatus.ACTIVE}
    assert all(m.accepted_at for r in new for m in r.members.all())  # nobody has to accept
    kinds = set(
        OutboxMessage.objects.order_by("id")[mail_after_first:].values_list("kind", flat=True)
    )
    assert kinds <= {"match_proposed", "not_matched"}  # no "your match ended" between rounds
    assert second.label == "Round 2" and second.purpose == RunPurpose.ROTATION


def buddy_program():
    program = ProgramFactory(kind="onboarding_buddy", status="active", hired_within_days=30)
    today = timezone.localdate()
    for index in range(3):
        EnrolmentFactory(
            program=program,
            person=PersonFactory(hire_date=today - timedelta(days=800), department__name="Ops"),
            role=EnrolmentRole.BUDDY,
            capacity=2 if index == 0 else 1,
        )
    return program


def test_new_hires_are_enrolled_and_given_a_buddy_as_they_arrive():
    program = buddy_program()
    today = timezone.localdate()
    hires = [
        PersonFactory(hire_date=today - timedelta(days=d), department__name="Ops") for d in (3, 5)
    ]
    PersonFactory(hire_date=today - timedelta(days=200))  # neither new nor a volunteer
    run = pair_new_hires(program=program, today=today)
    assert run is not None and run.status == RunStatus.PUBLISHED, run and run.error
    assert run.purpose == RunPurpose.BUDDIES
    new_hires = Enrolment.objects.filter(program=program, role=EnrolmentRole.NEW_HIRE)
    assert {e.person_id for e in new_hires} == {h.pk for h in hires}
    for relationship in Relationship.objects.filter(run=run):
        roles = sorted(relationship.members.values_list("role", flat=True))
        assert roles == ["buddy", "new_hire"] and relationship.status == RelationshipStatus.ACTIVE
    assert pair_new_hires(program=program, today=today) is None  # nobody new: nothing to do


def test_new_hires_wait_when_there_is_no_buddy():
    program = ProgramFactory(kind="onboarding_buddy", status="active", hired_within_days=30)
    PersonFactory(hire_date=timezone.localdate() - timedelta(days=2))
    assert pair_new_hires(program=program, today=timezone.localdate()) is None
    assert Enrolment.objects.filter(program=program, role=EnrolmentRole.NEW_HIRE).count() == 1
    assert not MatchRun.objects.exists()

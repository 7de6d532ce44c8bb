"""Solving a queued run (``tandem.matches.solving.run_execute``): exactly one caller claims a run,
a run whose worker died is claimed again once its heartbeat is stale, a failure is recorded on
the run instead of leaving it spinning, and a result appears all at once."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.matches import solving
from tandem.matches.models import MatchRun, ProposalMember, RunStatus
from tandem.matches.selectors import live_match_counts
from tandem.matches.services.publish import run_publish
from tandem.matches.services.runs import run_create
from tandem.matches.solving import run_execute
from tandem.matching import MatchingError
from tandem.relationships.services.lifecycle import relationship_end
from tests.matches.conftest import run_now


def test_only_one_caller_claims_a_run(coordinator, program_factory):
    program = program_factory(6)
    run = run_create(actor=coordinator, program=program)
    assert run_execute(run.pk) is not None
    assert run_execute(run.pk) is None  # done: nothing to claim
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.proposals.count() == 3


def test_a_run_someone_is_working_on_is_left_alone(coordinator, program_factory):
    program = program_factory(6)
    run = run_create(actor=coordinator, program=program)
    beat = timezone.now() - timedelta(minutes=5)
    MatchRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, heartbeat_at=beat)
    assert run_execute(run.pk) is None
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING and run.heartbeat_at == beat


@pytest.mark.parametrize("status", [RunStatus.DISCARDED, RunStatus.PUBLISHED, RunStatus.FAILED])
def test_finished_runs_are_never_solved_again(coordinator, program_factory, status):
    program = program_factory(4)
    run = run_create(actor=coordinator, program=program)
    MatchRun.objects.filter(pk=run.pk).update(status=status)
    assert run_execute(run.pk) is None
    assert not run.proposals.exists()


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


def test_an_engine_refusal_is_recorded_with_every_problem(
    coordinator, program_factory, monkeypatch
):
    program = program_factory(4)
    run = run_create(actor=coordinator, program=program)

    def refuse(*args, **kwargs):
        raise MatchingError(["lock 1+2 clashes with forbid 1+2", "nobody speaks a common language"])

    monkeypatch.setattr(solving, "solve", refuse)
    run_execute(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.finished_at is not None
    assert run.error == "lock 1+2 clashes with forbid 1+2; nobody speaks a common language"
    assert not run.proposals.exists()


def test_a_crash_fails_the_run_instead_of_leaving_it_running(
    coordinator, program_factory, monkeypatch, caplog
):
    program = program_factory(4)
    run = run_create(actor=coordinator, program=program)
    monkeypatch.setattr(solving, "solve", lambda *a, **k: 1 / 0)
    with caplog.at_level(logging.ERROR, logger="tandem.matches.solving"):
        run_execute(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.error == "ZeroDivisionError: division by zero"
    assert f"match run {run.pk} failed" in caplog.text


def test_a_finished_run_reports_its_progress_and_notes(coordinator, program_factory):
    run = run_now(coordinator, program_factory(6))
    assert (run.progress, run.phase) == (1, "done")
    assert run.started_at <= run.finished_at and isinstance(run.notes, list)


def test_mentor_capacity_is_respected(coordinator, program_factory):
    program = program_factory(12, kind="mentor_mentee")
    run = run_now(coordinator, program)
    per_mentor: dict[int, int] = {}
    for member in ProposalMember.objects.filter(proposal__run=run, role="mentor"):
        per_mentor[member.person_id] = per_mentor.get(member.person_id, 0) + 1
    assert per_mentor and max(per_mentor.values()) <= 2


def test_a_rematch_leaves_out_live_matches_and_fills_only_the_room_mentors_have_left(
    coordinator, program_factory
):
    program = program_factory(12, kind="mentor_mentee")
    published = run_publish(actor=coordinator, run=run_now(coordinator, program))
    mentors_of = {r: r.members.get(role="mentor").person_id for r in published}
    ended = [r for r in published if list(mentors_of.values()).count(mentors_of[r]) == 2][:1]
    ended += [r for r in published if mentors_of[r] != mentors_of[ended[0]]][:1]
    for relationship in ended:
        relationship_end(actor=coordinator, relationship=relationship, reason="coordinator")
    freed = {m.person_id for r in ended for m in r.members.all()}
    rematch = run_now(coordinator, program, purpose="rematch")
    assert rematch.participants == 4
    members = set(
        ProposalMember.objects.filter(proposal__run=rematch).values_list("person_id", flat=True)
    )
    assert members and members <= freed  # nobody in a live match is proposed again
    live = live_match_counts(program)
    capacity = dict(program.enrolments.values_list("person_id", "capacity"))
    for member in ProposalMember.objects.filter(proposal__run=rematch):
        assert live.get(member.person_id, 0) + 1 <= capacity[member.person_id]

"""Starting and discarding runs (``tandem.matches.services.runs``): a run names its criteria
version and the rules it used; small runs are solved right after the commit, larger ones are
queued for the worker; runs that cannot work are refused before anything is written."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from tandem.core.errors import ApplicationError, NotFound
from tandem.matches.models import CriteriaVersion, MatchRun, RunStatus
from tandem.matches.services import runs
from tandem.matches.services.pair_rules import pair_rule_set
from tandem.matches.services.publish import run_publish
from tandem.matches.services.runs import run_create, run_discard
from tandem.matches.tasks import execute_match_run
from tandem.programs.models import EnrolmentStatus
from tandem.relationships.services.lifecycle import relationship_end
from tests.factories import CriteriaVersionFactory, ProgramFactory, UserFactory
from tests.matches.conftest import audited, enrolled, groups, run_now


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


def test_a_small_run_is_solved_as_soon_as_it_is_committed(
    coordinator, program_factory, django_capture_on_commit_callbacks
):
    program = program_factory(6)
    with django_capture_on_commit_callbacks(execute=True):
        run = run_create(actor=coordinator, program=program, label="First try")
        assert MatchRun.objects.get(pk=run.pk).status == RunStatus.QUEUED  # not before the commit
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.proposals.count() == 3
    assert not DBTaskResult.objects.exists()
    assert (run.label, run.participants, run.created_by) == ("First try", 6, coordinator)
    assert audited("matching.run_created") == 1


def test_a_large_run_is_queued_for_the_worker(
    coordinator, program_factory, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(runs, "INLINE_LIMIT", 3)
    program = program_factory(4)
    with django_capture_on_commit_callbacks(execute=True):
        run = run_create(actor=coordinator, program=program)
    task = DBTaskResult.objects.get()
    assert task.task_path.endswith("execute_match_run") and task.args_kwargs["args"] == [run.pk]
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED and not run.proposals.exists()
    execute_match_run.call(run.pk)  # what the worker does
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.proposals.count() == 2
    assert execute_match_run.call(run.pk) == "already taken"  # a second worker does nothing


def test_a_run_keeps_the_rules_of_the_moment(coordinator, program_factory):
    program = program_factory(4)
    a, b, c, d = enrolled(program)
    pair_rule_set(actor=coordinator, program=program, first=a, second=c, kind="lock")
    pair_rule_set(actor=coordinator, program=program, first=b, second=d, kind="forbid")
    run = run_create(actor=coordinator, program=program, label="x" * 80, seed=7)
    assert run.rules == {
        "locks": [[str(min(a.pk, c.pk)), str(max(a.pk, c.pk))]],
        "forbids": [[str(min(b.pk, d.pk)), str(max(b.pk, d.pk))]],
    }
    assert len(run.label) == 60 and run.seed == 7


def test_a_rematch_counts_only_the_people_without_a_live_match(coordinator, program_factory):
    program = program_factory(6)
    relationships = run_publish(actor=coordinator, run=run_now(coordinator, program))
    relationship_end(actor=coordinator, relationship=relationships[0], reason="coordinator")
    rematch = run_create(actor=coordinator, program=program, purpose="rematch")
    assert rematch.participants == 2


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("draft", "Close enrolment first"),
        ("enrolling", "Close enrolment first"),
        ("closed", "Close enrolment first"),
    ],
)
def test_runs_need_the_final_list_of_people(coordinator, status, message):
    program = ProgramFactory(status=status, coordinators=[coordinator])
    with pytest.raises(ApplicationError, match=message):
        run_create(actor=coordinator, program=program)
    assert not MatchRun.objects.exists()


def test_a_run_needs_two_people(coordinator, program_factory):
    program = program_factory(3)
    program.enrolments.exclude(person=enrolled(program)[0]).update(status=EnrolmentStatus.WITHDRAWN)
    with pytest.raises(ApplicationError, match="fewer than two people"):
        run_create(actor=coordinator, program=program)
    assert not MatchRun.objects.exists()


def test_another_programs_criteria_are_not_found(coordinator, program_factory):
    program = program_factory(4)
    foreign = CriteriaVersionFactory(program=ProgramFactory(coordinators=[coordinator]))
    with pytest.raises(NotFound):
        run_create(actor=coordinator, program=program, criteria=foreign)
    assert not MatchRun.objects.exists()


def test_only_the_programs_coordinators_start_runs(program_factory):
    program = program_factory(4)
    with pytest.raises(ApplicationError) as caught:
        run_create(actor=UserFactory(role="coordinator"), program=program)
    assert caught.value.status == 403 and not MatchRun.objects.exists()


def test_discarding_a_run_but_never_a_published_one(coordinator, program_factory):
    program = program_factory(4)
    run = run_now(coordinator, program)
    run_discard(actor=coordinator, run=run)
    assert MatchRun.objects.get(pk=run.pk).status == RunStatus.DISCARDED
    assert audited("matching.run_discarded") == 1
    published = run_now(coordinator, program)
    run_publish(actor=coordinator, run=published)
    with pytest.raises(ApplicationError, match="cannot be discarded"):
        run_discard(actor=coordinator, run=MatchRun.objects.get(pk=published.pk))
    assert MatchRun.objects.get(pk=published.pk).status == RunStatus.PUBLISHED

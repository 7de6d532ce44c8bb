"""Review edits (``tandem.matches.services.review``): a coordinator swaps two people between
proposals of a finished run; both proposals are rescored with the run's own criteria and marked
edited, and a run that is not open for review is never changed."""

from __future__ import annotations

import pytest

from tandem.core.errors import ApplicationError
from tandem.matches.models import MatchRun, RunStatus
from tandem.matches.services.publish import run_publish
from tandem.matches.services.review import proposal_swap
from tandem.people.models import Person
from tests.factories import MatchRunFactory, PersonFactory, UserFactory
from tests.matches.conftest import audited, enrolled, groups, run_now


def scores(run: MatchRun) -> dict[frozenset[int], float]:
    return {
        frozenset(p.members.values_list("person_id", flat=True)): p.score
        for p in run.proposals.all()
    }


def test_swap_rescores_both_proposals(coordinator, program_factory):
    program = program_factory(6)
    run = run_now(coordinator, program)
    a_group, b_group = [sorted(g) for g in groups(run)[:2]]
    first, second = Person.objects.get(pk=a_group[0]), Person.objects.get(pk=b_group[0])
    proposal_swap(actor=coordinator, run=run, first=first, second=second)
    new_groups = groups(run)
    assert {second.pk, a_group[1]} in new_groups and {first.pk, b_group[1]} in new_groups
    assert run.proposals.filter(edited=True).count() == 2


def test_a_swap_scores_like_the_engine_and_swapping_back_restores_the_scores(
    coordinator, program_factory
):
    program = program_factory(8)
    run = run_now(coordinator, program)
    before = scores(run)
    (a, b), (c, d) = [sorted(g) for g in groups(run)[:2]]
    people = Person.objects.in_bulk([a, b, c, d])
    changed = proposal_swap(actor=coordinator, run=run, first=people[a], second=people[c])
    assert {frozenset(p.members.values_list("person_id", flat=True)) for p in changed} == {
        frozenset({c, b}),
        frozenset({a, d}),
    }
    assert all(p.explanation and p.members.first().explanation is not None for p in changed)
    proposal_swap(actor=coordinator, run=run, first=people[a], second=people[c])
    assert scores(run) == pytest.approx(before)  # rescoring is the engine's own scoring
    assert audited("matching.swap") == 2


def test_a_factory_score_is_replaced_by_a_real_one(coordinator, program_factory):
    program = program_factory(4)
    a, b, c, d = enrolled(program)
    run = MatchRunFactory(program=program, proposals=[(a, b), (c, d)])
    assert set(scores(run).values()) == {0.8}
    proposal_swap(actor=coordinator, run=run, first=a, second=c)
    assert all(p.edited and p.score != 0.8 for p in run.proposals.all())


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("together", "They are already together."),
        ("outside", "Both people must be in a proposal of this run."),
        ("published", "Only a finished, unpublished run can be changed."),
        ("discarded", "Only a finished, unpublished run can be changed."),
    ],
)
def test_refused_swaps_change_nothing(coordinator, program_factory, case, message):
    program = program_factory(4)
    a, b, c, d = enrolled(program)
    run = MatchRunFactory(program=program, proposals=[(a, b), (c, d)])
    second = {"together": b, "outside": PersonFactory()}.get(case, c)
    if case == "published":
        run_publish(actor=coordinator, run=run)
    elif case == "discarded":
        MatchRun.objects.filter(pk=run.pk).update(status=RunStatus.DISCARDED)
    with pytest.raises(ApplicationError) as caught:
        proposal_swap(actor=coordinator, run=run, first=a, second=second)
    assert caught.value.message == message
    assert sorted(map(sorted, groups(run))) == sorted([sorted([a.pk, b.pk]), sorted([c.pk, d.pk])])
    assert not run.proposals.filter(edited=True).exists()


def test_only_the_programs_coordinators_swap(program_factory):
    program = program_factory(4)
    a, b, c, d = enrolled(program)
    run = MatchRunFactory(program=program, proposals=[(a, b), (c, d)])
    with pytest.raises(ApplicationError) as caught:
        proposal_swap(actor=UserFactory(role="coordinator"), run=run, first=a, second=c)
    assert caught.value.status == 403

"""Invariants for every program kind: capacity, hard rules, determinism, nobody left out while a
feasible partner is free; mentor_mentee checked against a dense assignment."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matching_helpers import REFERENCE, make_problem, random_people
from scipy.optimize import linear_sum_assignment

from tandem.matching import (
    Constraints,
    Criterion,
    Participant,
    PastPartner,
    bipartite,
    check_solution,
    compile_problem,
    score_group,
    solve,
)


def dense_assignment_optimum(problem) -> tuple[int, float]:
    model = compile_problem(problem)
    people = model.participants
    mentees = [i for i, p in enumerate(people) if p.role == "mentee"]
    slots = [i for i, p in enumerate(people) if p.role == "mentor" for _ in range(p.capacity)]
    if not mentees or not slots:
        return 0, 0.0
    big = 1000.0
    matrix = np.zeros((len(mentees), len(slots)))
    for r, e in enumerate(mentees):
        others = np.array(slots)
        ok = model.feasible(np.full(len(others), e), others)
        w = model.scores(np.full(len(others), e), others)
        matrix[r] = np.where(ok, big + w, 0.0)
    rows, cols = linear_sum_assignment(-matrix)
    used = matrix[rows, cols] > 0
    return int(used.sum()), float((matrix[rows, cols][used] - big).sum())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(2, 50),
    seed=st.integers(0, 10_000),
    k=st.sampled_from([None, 1, 2]),
    short_lists=st.booleans(),
)
def test_mentor_mentee_is_optimal_and_respects_capacity(n, seed, k, short_lists):
    """With ``short_lists`` the candidate lists start at k mentors and the certificate loop
    must lengthen them until nothing outside can help."""
    people = random_people(n, seed, roles="mentor_mentee")
    problem = make_problem(people, kind="mentor_mentee", candidates_k=k)
    saved = bipartite.COMPLETE_LIMIT
    bipartite.COMPLETE_LIMIT = 0 if short_lists else saved
    try:
        solution = solve(problem, seed=seed)
    finally:
        bipartite.COMPLETE_LIMIT = saved
    count, total = dense_assignment_optimum(problem)
    assert len(solution.groups) == count
    assert abs(solution.stats.objective - total) < 1e-5 * max(1, count)
    assert solution.stats.bound >= total - 1e-5 * max(1, count)
    assert check_solution(problem, solution) == []
    for group in solution.groups:
        assert set(group.roles) == {"mentor", "mentee"}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(3, 60), seed=st.integers(0, 10_000), size=st.integers(3, 6))
def test_circles_invariants(n, seed, size):
    problem = make_problem(
        random_people(n, seed, holes=False),
        kind="circles",
        constraints=Constraints(group_size=size),
    )
    solution = solve(problem, seed=seed)
    assert check_solution(problem, solution) == []
    seen = [m for g in solution.groups for m in g.members]
    assert len(seen) == len(set(seen))
    assert solution.stats.bound >= solution.stats.objective - 1e-9
    for group in solution.groups:
        assert len(group.members) <= size + 1
        assert group.min_pair_score <= group.mean_pair_score + 1e-9
    assert {m for m in seen} | {u.id for u in solution.unmatched} == {
        p.id for p in problem.participants
    }
    again = solve(problem, seed=seed)
    assert [g.members for g in again.groups] == [g.members for g in solution.groups]


def test_circles_at_scale_reports_mean_and_minimum():
    problem = make_problem(
        random_people(300, 4, holes=False), kind="circles", constraints=Constraints(group_size=4)
    )
    solution = solve(problem)
    assert 70 <= len(solution.groups) <= 80
    assert sum(len(g.members) == 4 for g in solution.groups) >= 60
    assert all(
        len(g.pair_scores) == len(g.members) * (len(g.members) - 1) // 2 for g in solution.groups
    )
    assert 0 < solution.stats.gap < 0.5
    assert check_solution(problem, solution) == []


def test_coffee_rotation_respects_cooldown_and_says_not_paired():
    base = [
        Participant(id=f"p{i}", department="A", level=1, timezone="Europe/Berlin") for i in range(4)
    ]
    criteria = [Criterion("level", "close", 1, max_difference=2)]
    # p0 met p1 in round 4 and p2 in round 1; p3 met everyone in round 5
    base[0].past_partners = (PastPartner("p1", round=4), PastPartner("p2", round=1))
    base[3].past_partners = tuple(PastPartner(f"p{i}", round=5) for i in range(3))
    problem = make_problem(
        base,
        kind="coffee_rotation",
        criteria=criteria,
        round_number=6,
        constraints=Constraints(exclude_same_manager=False, repeat_cooldown_rounds=3),
    )
    solution = solve(problem)
    pairs = {tuple(sorted(g.members)) for g in solution.groups}
    # round 4 is within 3 rounds of round 6, round 1 is not; p3 met everyone in round 5
    assert len(pairs) == 1
    assert pairs <= {("p0", "p2"), ("p1", "p2")}
    assert "p3" in {u.id for u in solution.unmatched}
    for item in solution.unmatched:
        assert item.reason.startswith("Not paired this round")
    # with no cool-down a past pair never repeats; with a short one it may
    never = make_problem(
        base,
        kind="coffee_rotation",
        criteria=criteria,
        round_number=6,
        constraints=Constraints(exclude_same_manager=False),
    )
    assert [g.members for g in solve(never).groups] == [("p1", "p2")]
    short = make_problem(
        base,
        kind="coffee_rotation",
        criteria=criteria,
        round_number=6,
        constraints=Constraints(exclude_same_manager=False, repeat_cooldown_rounds=0),
    )
    assert len(solve(short).groups) == 2


def test_onboarding_buddy_uses_hire_dates_and_capacity():
    recent = REFERENCE - dt.timedelta(days=10)
    old = REFERENCE - dt.timedelta(days=900)
    people = [Participant(id=f"n{i}", hire_date=recent, level=1) for i in range(5)]
    people += [
        Participant(id="b0", hire_date=old, role="buddy", capacity=3, level=2),
        Participant(id="b1", hire_date=old, role="buddy", capacity=1, level=2),
        Participant(id="x", hire_date=old, level=1),
    ]
    criteria = [Criterion("level", "close", 1, max_difference=3, must_have=True)]
    problem = make_problem(
        people,
        kind="onboarding_buddy",
        criteria=criteria,
        constraints=Constraints(exclude_same_manager=False),
    )
    solution = solve(problem)
    assert check_solution(problem, solution) == []
    buddies = [g.roles["buddy"] for g in solution.groups]
    assert buddies.count("b0") == 3
    assert buddies.count("b1") == 1
    assert len(solution.unmatched) == 1
    assert "at capacity" in solution.unmatched[0].reason
    assert all(g.roles["new_hire"].startswith("n") for g in solution.groups)


def test_locks_forbids_avoid_and_wishes():
    people = random_people(20, 9, holes=False)
    people[0].avoid = ("p1",)
    people[2].preferred = ("p3",)
    people[3].preferred = ("p2",)
    constraints = Constraints(
        locks=(("p4", "p5"),), forbids=(("p6", "p7"),), exclude_same_manager=False
    )
    criteria = [Criterion("department", "same", 1)]
    problem = make_problem(people, criteria=criteria, constraints=constraints)
    solution = solve(problem)
    pairs = {tuple(sorted(g.members)) for g in solution.groups}
    assert ("p4", "p5") in pairs
    assert ("p0", "p1") not in pairs
    assert ("p6", "p7") not in pairs
    assert ("p2", "p3") in pairs  # a mutual wish outweighs department fit
    wish = next(g for g in solution.groups if set(g.members) == {"p2", "p3"})
    assert any("asked for each other" in line for line in wish.explanation)
    locked = next(g for g in solution.groups if set(g.members) == {"p4", "p5"})
    assert locked.locked
    assert locked.explanation[0] == "locked by the coordinator"
    assert check_solution(problem, solution) == []


def test_trio_for_the_odd_one_out():
    people = random_people(9, 2, holes=False)
    criteria = [Criterion("timezone", "overlap", 1)]
    problem = make_problem(
        people,
        criteria=criteria,
        constraints=Constraints(allow_trio=True, exclude_same_manager=False),
    )
    solution = solve(problem)
    sizes = sorted(len(g.members) for g in solution.groups)
    assert sizes == [2, 2, 2, 3]
    assert not solution.unmatched


def test_peer_capacity_above_one_gets_more_partners():
    people = random_people(9, 5, holes=False)
    people[0].capacity = 2
    criteria = [Criterion("timezone", "overlap", 1)]
    problem = make_problem(
        people, criteria=criteria, constraints=Constraints(exclude_same_manager=False)
    )
    solution = solve(problem)
    assert sum("p0" in g.members for g in solution.groups) == 2
    assert check_solution(problem, solution) == []


def test_score_group_explains_a_swap_and_flags_violations():
    people = [
        Participant(
            id="ana",
            name="Ana",
            department="Data",
            manager_id="m1",
            level=3,
            timezone="Europe/Berlin",
            skills_offered=("SQL",),
            skills_wanted=("public speaking",),
        ),
        Participant(
            id="ben",
            name="Ben",
            department="Sales",
            manager_id="m2",
            level=4,
            timezone="America/New_York",
            skills_offered=("public speaking",),
            skills_wanted=("SQL",),
        ),
        Participant(id="cid", name="Cid", department="Data", manager_id="m1", level=8),
    ]
    problem = make_problem(people)
    good = score_group(problem, ["ana", "ben"])
    assert good.feasible
    assert good.score > 0.5
    assert "Ana offers SQL, which Ben wants" in good.explanation
    assert "Ben offers public speaking, which Ana wants" in good.explanation
    assert "different departments (Data, Sales)" in good.explanation
    assert any("shared working hours" in line for line in good.explanation)
    assert good.per_member["ana"][0].startswith("Ben offers public speaking")
    bad = score_group(problem, ["ana", "cid"])
    assert not bad.feasible
    assert "same manager" in bad.violations[0]
    assert "level" in bad.violations[0]


def test_unmatched_reason_names_the_rules():
    people = [
        Participant(id="ana", level=1, manager_id="m1", timezone="Europe/Berlin"),
        Participant(id="ben", level=2, manager_id="m1", timezone="Europe/Berlin"),
        Participant(id="cid", level=7, manager_id="m2", timezone="Europe/Berlin"),
        Participant(id="dan", level=8, manager_id="m3", timezone="Europe/Berlin"),
    ]
    criteria = [Criterion("level", "close", 1, must_have=True, max_difference=2)]
    solution = solve(make_problem(people, criteria=criteria))
    reasons = {u.id: u.reason for u in solution.unmatched}
    assert reasons["ana"] == "no one within 2 levels who does not share your manager"
    assert set(reasons) == {"ana", "ben"}


def test_solver_notes_name_people_not_ids():
    """A coordinator reads the run's notes: people by name, never an internal id."""
    people = random_people(9, 4, holes=False)
    people[0].avoid = ("p1",)
    constraints = Constraints(
        locks=(("p0", "p1"), ("p2", "ghost")), exclude_same_manager=False, allow_trio=True
    )
    problem = make_problem(
        people, criteria=[Criterion("department", "same", 1)], constraints=constraints
    )
    notes = solve(problem).notes
    assert (
        "The lock of P0 and P1 breaks a hard rule; kept because the coordinator asked for it"
        in notes
    )
    assert "The lock of P2 and ghost was ignored: ghost is not in this run" in notes
    trio = [n for n in notes if n.endswith("joins a trio (odd one out)")]
    assert trio and all(n.startswith("P") and not n.startswith("p") for n in trio)

"""Stable assignment checked against daffidwilde/matching on random instances."""

from __future__ import annotations

import random
import warnings

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matching.games import HospitalResident, StableRoommates
from matching_helpers import make_problem, random_people

from tandem.matching import Constraints, solve
from tandem.matching.stable import blocking_pairs, hospital_residents, stable_roommates


def random_hr(seed: int, residents: int, hospitals: int):
    rng = random.Random(seed)
    r_ids = [f"r{i}" for i in range(residents)]
    h_ids = [f"h{i}" for i in range(hospitals)]
    acceptable = {(r, h) for r in r_ids for h in h_ids if rng.random() < 0.7}
    r_prefs = {r: [h for h in rng.sample(h_ids, len(h_ids)) if (r, h) in acceptable] for r in r_ids}
    h_prefs = {h: [r for r in rng.sample(r_ids, len(r_ids)) if (r, h) in acceptable] for h in h_ids}
    capacities = {h: rng.randint(1, 3) for h in h_ids}
    return r_prefs, h_prefs, capacities


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 100_000), residents=st.integers(1, 12), hospitals=st.integers(1, 5))
def test_hospital_residents_matches_the_matching_package(seed, residents, hospitals):
    r_prefs, h_prefs, capacities = random_hr(seed, residents, hospitals)
    # the package wants every player to rank someone
    r_prefs = {r: p for r, p in r_prefs.items() if p}
    h_prefs = {h: [r for r in p if r in r_prefs] for h, p in h_prefs.items()}
    h_prefs = {h: p for h, p in h_prefs.items() if p}
    r_prefs = {r: [h for h in p if h in h_prefs] for r, p in r_prefs.items()}
    r_prefs = {r: p for r, p in r_prefs.items() if p}
    if not r_prefs or not h_prefs:
        return
    caps = {h: capacities[h] for h in h_prefs}
    ours = hospital_residents(r_prefs, h_prefs, caps)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(r_prefs, h_prefs, caps, clean=True)
        theirs = game.solve(optimal="resident")
    expected = {}
    for hospital, residents_of in theirs.items():
        for resident in residents_of:
            expected[resident.name] = hospital.name
    assert {r: h for r, h in ours.items() if h is not None} == expected


def random_roommates(seed: int, n: int) -> dict[int, list[int]]:
    rng = random.Random(seed)
    return {i: rng.sample([j for j in range(n) if j != i], n - 1) for i in range(n)}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 100_000), half=st.integers(1, 6))
def test_stable_roommates_agrees_with_the_matching_package(seed, half):
    n = 2 * half
    prefs = random_roommates(seed, n)
    ours = stable_roommates(prefs)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        game = StableRoommates.create_from_dictionary(prefs)
        theirs = game.solve()
    package_says_none = any("NoStableMatching" in type(w.message).__name__ for w in caught) or any(
        partner is None for partner in theirs.values()
    )
    if ours is None:
        assert package_says_none
    else:
        assert all(partner is not None for partner in ours.values())
        assert blocking_pairs(prefs, ours) == []
        assert not package_says_none
        theirs_map = {p.name: q.name for p, q in theirs.items()}
        assert blocking_pairs(prefs, theirs_map) == []


def test_stable_roommates_with_incomplete_lists_leaves_unmatched():
    prefs = {0: [1], 1: [0, 2], 2: [1]}
    result = stable_roommates(prefs)
    assert result == {0: 1, 1: 0, 2: None}


def test_stable_mentor_mentee_through_solve():
    problem = make_problem(
        random_people(40, 3, roles="mentor_mentee"),
        kind="mentor_mentee",
        constraints=Constraints(stable=True),
    )
    solution = solve(problem)
    assert "stable" in solution.stats.solver
    assert solution.stats.bound >= solution.stats.objective - 1e-9
    assert any("Mentee-optimal" in note for note in solution.notes)


def test_stable_peer_pairs_reports_when_none_exists():
    problem = make_problem(random_people(30, 1, holes=False), constraints=Constraints(stable=True))
    solution = solve(problem)
    assert solution.notes
    note = solution.notes[0]
    assert note.startswith(("No stable matching exists", "Stable matching"))

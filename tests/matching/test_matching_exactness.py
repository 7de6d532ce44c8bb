"""peer_pairs is exact over all feasible pairs: compared with networkx's blossom.

Random small instances with ties (few distinct scores), must-have holes (missing or distant
levels, must-have shared skills), past partners and same-manager exclusions. networkx gets the
*complete* feasible graph; our solver looks at candidate lists and must certify that nothing
outside them helps. Maximum cardinality first, then maximum total score.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matching_helpers import EXAMPLE_CRITERIA, make_problem, random_people

from tandem.matching import Constraints, Criterion, check_solution, compile_problem, solve

TIES_CRITERIA = [
    Criterion("department", "different", 1),
    Criterion("level", "close", 1, must_have=True, max_difference=1),
]
HOLES_CRITERIA = [
    Criterion("skills", "complementary", 3, must_have=True),
    Criterion("level", "close", 1, must_have=True, max_difference=1),
    Criterion("timezone", "overlap", 1),
]


def reference_optimum(problem, *, max_cardinality: bool = True) -> tuple[int, float]:
    model = compile_problem(problem)
    n = model.n
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    if n >= 2:
        iu, ju = np.triu_indices(n, 1)
        ok = model.feasible(iu, ju)
        weights = model.scores(iu[ok], ju[ok])
        for a, b, w in zip(iu[ok].tolist(), ju[ok].tolist(), weights.tolist(), strict=True):
            graph.add_edge(a, b, weight=w)
    matching = nx.max_weight_matching(graph, maxcardinality=max_cardinality)
    return len(matching), sum(graph[a][b]["weight"] for a, b in matching)


def assert_matches_reference(problem, solution) -> None:
    pairs, total = reference_optimum(problem)
    assert sum(len(g.members) for g in solution.groups) == 2 * pairs
    assert abs(solution.stats.objective - total) <= 1e-5 * max(1, pairs)
    assert solution.stats.bound >= total - 1e-5 * max(1, pairs)
    assert check_solution(problem, solution) == []


criteria_sets = st.sampled_from([EXAMPLE_CRITERIA, TIES_CRITERIA, HOLES_CRITERIA])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(2, 40),
    seed=st.integers(0, 10_000),
    criteria=criteria_sets,
    same_manager=st.booleans(),
)
def test_exact_solver_equals_networkx(n, seed, criteria, same_manager):
    people = random_people(n, seed)
    problem = make_problem(
        people, criteria=criteria, constraints=Constraints(exclude_same_manager=same_manager)
    )
    solution = solve(problem, seed=seed)
    assert solution.stats.certified_optimal
    assert solution.stats.gap == 0
    assert_matches_reference(problem, solution)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(4, 60), seed=st.integers(0, 10_000), criteria=criteria_sets)
def test_exact_with_short_candidate_lists_still_certifies(n, seed, criteria):
    """k = 2 forces the certificate loop to lengthen lists; the answer must stay exact."""
    problem = make_problem(random_people(n, seed), criteria=criteria, candidates_k=2)
    solution = solve(problem, seed=seed)
    assert_matches_reference(problem, solution)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(2, 60), seed=st.integers(0, 10_000), criteria=criteria_sets)
def test_lp_path_bound_is_valid_and_nobody_pairable_is_left(n, seed, criteria):
    """Above exact_limit the LP path runs: its bound must be at least the best total of *any*
    matching (so also of the most-pairs-first optimum), and its answer at most that."""
    problem = make_problem(random_people(n, seed), criteria=criteria, exact_limit=0, candidates_k=3)
    solution = solve(problem, seed=seed)
    pairs, total = reference_optimum(problem, max_cardinality=False)
    assert solution.stats.bound >= total - 1e-5 * max(1, pairs)
    assert solution.stats.objective <= total + 1e-5 * max(1, pairs)
    assert check_solution(problem, solution) == []  # includes: no two unmatched could pair


def test_larger_instance_equals_networkx():
    problem = make_problem(random_people(150, 3))
    solution = solve(problem)
    assert solution.stats.certified_optimal
    assert_matches_reference(problem, solution)


def test_deterministic_for_a_seed():
    problem = make_problem(random_people(80, 11), exact_limit=0)
    first, second = solve(problem, seed=5), solve(problem, seed=5)
    assert [g.members for g in first.groups] == [g.members for g in second.groups]
    assert first.stats.objective == second.stats.objective

"""Matching engine benchmarks: Tandem's solver and the baselines people use today.

    make bench CASE=peer_pairs N=100000

Every case builds the same realistic population for a given N (benchmarks/matching_population.py,
seed 0; generation is timed separately as ``gen_seconds``) and times only the solve. Baselines get
the same instance; their ``bound`` is the certified upper bound from Tandem's solver on that
instance (cached in the temp directory so it is computed once per N), so ``gap`` compares them
with the same yardstick. Baselines that cannot finish refuse bigger N at once with ``skipped``.
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.matching_population import EXAMPLE_CRITERIA, REFERENCE_DATE, make_population
from benchmarks.measure import measure
from tandem.matching import Constraints, Problem, compile_problem, solve
from tandem.matching.candidates import edges_from, scan_topk

CASES: list[tuple[str, list[int]]] = [
    ("peer_pairs", [1000, 10000, 100000]),
    ("peer_pairs_exact", [2000]),
    ("mentor_mentee", [100000]),
    ("circles", [10000]),
    ("peer_pairs_random", [1000, 10000, 100000]),
    ("peer_pairs_greedy", [1000, 10000, 100000]),
    ("peer_pairs_networkx", [1000, 2000]),
    ("peer_pairs_stable_roommates", [1000, 2000]),
]
LIMITS = {
    "peer_pairs_exact": 3000,
    "peer_pairs_networkx": 2000,
    "peer_pairs_stable_roommates": 2000,
}
KINDS = {
    "peer_pairs": "peer_pairs",
    "peer_pairs_exact": "peer_pairs",
    "mentor_mentee": "mentor_mentee",
    "circles": "circles",
}
CACHE = Path(os.environ.get("TANDEM_BENCH_CACHE", Path(tempfile.gettempdir()) / "tandem-bench"))


def _problem(kind: str, n: int) -> tuple[Problem, float]:
    started = time.perf_counter()
    people = make_population(n, 0, roles="mentor_mentee" if kind == "mentor_mentee" else "")
    problem = Problem(
        kind=kind,  # type: ignore[arg-type]
        participants=people,
        criteria=list(EXAMPLE_CRITERIA),
        constraints=Constraints(group_size=4),
        reference_date=REFERENCE_DATE,
        text_backend="tfidf",
    )
    return problem, round(time.perf_counter() - started, 3)


def _result(
    case: str,
    kind: str,
    n: int,
    seconds: float,
    peak_mb: float,
    objective: float,
    bound: float | None,
    matched: int,
    **extra: Any,
) -> dict[str, Any]:
    gap = None if not bound else round(max(0.0, (bound - objective) / bound), 6)
    return {
        "case": case,
        "kind": kind,
        "n": n,
        "seconds": round(seconds, 3),
        "peak_mb": peak_mb,
        "objective": round(objective, 4),
        "bound": None if bound is None else round(bound, 4),
        "gap": gap,
        "matched": matched,
        **extra,
    }


def _cached_bound(n: int) -> float:
    """Tandem's certified bound for the peer_pairs instance of size n (computed once)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"peer_pairs_bound_{n}.json"
    if path.exists():
        return float(json.loads(path.read_text())["bound"])
    problem, _ = _problem("peer_pairs", n)
    bound = solve(problem).stats.bound
    path.write_text(json.dumps({"n": n, "bound": bound}))
    return bound


def _store_bound(n: int, bound: float) -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / f"peer_pairs_bound_{n}.json").write_text(json.dumps({"n": n, "bound": bound}))


def run_case(case: str, n: int) -> dict[str, Any]:
    if case in LIMITS and n > LIMITS[case]:
        return {
            "case": case,
            "kind": "peer_pairs",
            "n": n,
            "skipped": f"{case} is limited to N <= {LIMITS[case]:,} (it would not finish "
            "in reasonable time)",
        }
    if case in KINDS:
        return _tandem(case, n)
    runner = {
        "peer_pairs_random": _random_pairs,
        "peer_pairs_greedy": _greedy,
        "peer_pairs_networkx": _networkx,
        "peer_pairs_stable_roommates": _stable_roommates,
    }.get(case)
    if runner is None:
        return {"case": case, "n": n, "error": f"unknown case {case!r}"}
    return runner(case, n)


def _tandem(case: str, n: int) -> dict[str, Any]:
    kind = KINDS[case]
    problem, gen = _problem(kind, n)
    if case == "peer_pairs_exact":
        problem.exact_limit = LIMITS[case]
    measured = measure(lambda: solve(problem, seed=0))
    stats = measured.value.stats
    if kind == "peer_pairs":
        _store_bound(n, stats.bound)
    return _result(
        case,
        kind,
        n,
        measured.seconds,
        measured.peak_mb,
        stats.objective,
        stats.bound,
        stats.matched,
        solver=stats.solver,
        certified_optimal=stats.certified_optimal,
        worst_off=stats.worst_off,
        unmatched=stats.unmatched,
        groups=len(measured.value.groups),
        phases=stats.phases,
        gen_seconds=gen,
    )


def _random_pairs(case: str, n: int) -> dict[str, Any]:
    """Chat-bot style: shuffle and pair neighbours, re-drawing a partner who breaks a hard rule."""
    problem, gen = _problem("peer_pairs", n)
    model = compile_problem(problem)

    def run() -> list[tuple[int, int]]:
        rng = random.Random(0)
        order = list(range(n))
        rng.shuffle(order)
        pairs = []
        for t in range(0, n - 1, 2):
            for _ in range(50):
                a, b = order[t], order[t + 1]
                if model.feasible(np.array([a]), np.array([b]))[0]:
                    pairs.append((a, b))
                    break
                r = rng.randrange(t + 1, n)
                order[t + 1], order[r] = order[r], order[t + 1]
        return pairs

    measured = measure(run)
    objective = _total(model, measured.value)
    return _result(
        case,
        "peer_pairs",
        n,
        measured.seconds,
        measured.peak_mb,
        objective,
        _cached_bound(n),
        2 * len(measured.value),
        solver="random pairing",
        gen_seconds=gen,
    )


def _greedy(case: str, n: int) -> dict[str, Any]:
    """Heaviest pair first: on every feasible pair up to 3,000 people, else on the same top-20
    candidate lists Tandem searches (candidate search is included in the time)."""
    problem, gen = _problem("peer_pairs", n)
    model = compile_problem(problem)

    def run() -> list[tuple[int, int]]:
        if n <= 3000:
            iu, ju = np.triu_indices(n, 1)
            ok = model.feasible(iu, ju)
            u, v = iu[ok], ju[ok]
        else:
            u, v = edges_from(scan_topk(model, 20), n=n)
        w = model.scores(u, v)
        free = np.ones(n, bool)
        pairs = []
        for i in np.argsort(-w, kind="stable").tolist():
            a, b = int(u[i]), int(v[i])
            if free[a] and free[b]:
                free[a] = free[b] = False
                pairs.append((a, b))
        return pairs

    measured = measure(run)
    objective = _total(model, measured.value)
    graph = "all feasible pairs" if n <= 3000 else "top-20 candidate lists"
    return _result(
        case,
        "peer_pairs",
        n,
        measured.seconds,
        measured.peak_mb,
        objective,
        _cached_bound(n),
        2 * len(measured.value),
        solver=f"greedy on {graph}",
        gen_seconds=gen,
    )


def _networkx(case: str, n: int) -> dict[str, Any]:
    """networkx's pure-Python blossom (most pairs first) on the top-30 candidate lists (on every
    feasible pair it needs about a minute at N = 500 and over five at 1,000)."""
    import networkx as nx

    problem, gen = _problem("peer_pairs", n)
    model = compile_problem(problem)

    def run() -> list[tuple[int, int]]:
        u, v = edges_from(scan_topk(model, 30), n=n)
        w = model.scores(u, v)
        graph = nx.Graph()
        graph.add_weighted_edges_from(zip(u.tolist(), v.tolist(), w.tolist(), strict=True))
        return [(int(a), int(b)) for a, b in nx.max_weight_matching(graph, maxcardinality=True)]

    measured = measure(run)
    objective = _total(model, measured.value)
    return _result(
        case,
        "peer_pairs",
        n,
        measured.seconds,
        measured.peak_mb,
        objective,
        _cached_bound(n),
        2 * len(measured.value),
        solver="networkx max_weight_matching on top-30 candidate lists",
        gen_seconds=gen,
    )


def _stable_roommates(case: str, n: int) -> dict[str, Any]:
    """daffidwilde/matching's StableRoommates on each person's own ranking (what they gain from
    the other), complete lists, hard-rule breakers ranked last."""
    from matching.games import StableRoommates

    problem, gen = _problem("peer_pairs", n)
    model = compile_problem(problem)
    from tandem.matching.preferences import peer_preferences

    prefs = peer_preferences(model, np.arange(n))
    full = {i: p + [j for j in range(n) if j != i and j not in set(p)] for i, p in prefs.items()}
    box: dict[str, Any] = {}

    def run() -> None:
        def target() -> None:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                game = StableRoommates.create_from_dictionary(full)
                box["solution"] = game.solve()
                box["warnings"] = [type(w.message).__name__ for w in caught]

        sys.setrecursionlimit(10**6)
        threading.stack_size(1 << 30)  # the package deep-copies its player graph recursively
        worker = threading.Thread(target=target)
        worker.start()
        worker.join()

    measured = measure(run)
    solution = box["solution"]
    mate = {p.name: (q.name if q is not None else None) for p, q in solution.items()}
    pairs = sorted(
        {(min(a, b), max(a, b)) for a, b in mate.items() if b is not None and mate.get(b) == a}
    )
    arr = np.array(pairs, np.int64).reshape(-1, 2)
    ok = model.feasible(arr[:, 0], arr[:, 1]) if len(arr) else np.zeros(0, bool)
    pairs = [p for p, good in zip(pairs, ok.tolist(), strict=True) if good]
    no_stable = any("NoStable" in name for name in box["warnings"])
    return _result(
        case,
        "peer_pairs",
        n,
        measured.seconds,
        measured.peak_mb,
        _total(model, pairs),
        _cached_bound(n),
        2 * len(pairs),
        solver="matching.StableRoommates (Irving, pure Python)",
        stable_matching_exists=not no_stable,
        gen_seconds=gen,
    )


def _total(model: Any, pairs: list[tuple[int, int]]) -> float:
    if not pairs:
        return 0.0
    arr = np.array(pairs, np.int64)
    return float(model.scores(arr[:, 0], arr[:, 1]).sum())

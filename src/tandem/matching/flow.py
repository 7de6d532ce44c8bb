"""Min-cost flow formulations (OR-Tools): fractional matching LP and capacitated assignment.

*Fractional matching LP* ``max Σ w_e x_e, Σ_{e∋v} x_e + z_v <= c_v, 0 <= x <= 1`` with an optional
bypass value ``b_v`` per unit of ``z_v``. It is solved exactly and combinatorially as a bipartite
problem on the *double cover* (v -> v_L, v_R; edge uv -> u_L v_R and v_L u_R): the optimum of the
cover is twice the LP optimum, and ``x_uv`` is the mean of the flows on the two copies. With
``b_v = t_v / 2`` (t_v bounding v's scores outside the candidate graph) the LP value is an upper
bound on the best matching over *all* pairs, because ``y_v >= t_v / 2`` makes the dual feasible for
every pair outside the graph.

Weights are integers (scores x ``SCALE``); costs stay far inside int64 for the sizes we solve.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

SCALE = 1_000_000


def to_int(values: np.ndarray) -> np.ndarray:
    return np.rint(np.asarray(values, np.float64) * SCALE).astype(np.int64)


@dataclass
class FractionalMatching:
    value: float  # LP optimum in the integer weight unit, as a float (may end in .5)
    x: np.ndarray  # per edge, in {0, 1/2, 1} for capacity 1
    bypass_used: np.ndarray  # per node, units of z_v


def fractional_matching(
    n: int,
    u: np.ndarray,
    v: np.ndarray,
    weight: np.ndarray,
    *,
    bypass: np.ndarray | None = None,
    capacity: np.ndarray | None = None,
) -> FractionalMatching:
    """Solve the LP above on the double cover. ``weight``/``bypass`` are int64."""
    u = np.asarray(u, np.int64)
    v = np.asarray(v, np.int64)
    weight = np.asarray(weight, np.int64)
    cap = np.ones(n, np.int64) if capacity is None else np.asarray(capacity, np.int64)
    nodes = np.arange(n, dtype=np.int64)
    source, sink, source2 = 2 * n, 2 * n + 1, 2 * n + 2
    keep = weight > 0
    eu, ev, ew = u[keep], v[keep], weight[keep]
    m = len(ew)
    tails = [np.full(n, source), eu, ev, n + nodes, nodes]
    heads = [nodes, n + ev, n + eu, np.full(n, sink), np.full(n, sink)]
    caps = [cap, np.ones(m, np.int64), np.ones(m, np.int64), cap, cap]
    by = np.zeros(n, np.int64) if bypass is None else np.maximum(np.asarray(bypass, np.int64), 0)
    costs = [np.zeros(n, np.int64), -ew, -ew, np.zeros(n, np.int64), -by]
    total = int(cap.sum())
    use_r_bypass = bypass is not None and bool((by > 0).any())
    if use_r_bypass:
        tails += [np.full(n, source2), np.array([source2])]
        heads += [n + nodes, np.array([sink])]
        caps += [cap, np.array([total])]
        costs += [-by, np.array([0])]
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails).astype(np.int32),
        np.concatenate(heads).astype(np.int32),
        np.concatenate(caps).astype(np.int64),
        np.concatenate(costs).astype(np.int64),
    )
    supplies = np.zeros(2 * n + 3, np.int64)
    supplies[source] = total
    supplies[sink] = -2 * total if use_r_bypass else -total
    if use_r_bypass:
        supplies[source2] = total
    flow.set_nodes_supplies(np.arange(2 * n + 3, dtype=np.int32), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    flows = flow.flows(arcs)
    x_keep = 0.5 * (flows[n : n + m] + flows[n + m : n + 2 * m])
    x = np.zeros(len(weight))
    x[np.flatnonzero(keep)] = x_keep
    z = flows[n + 2 * m + n : n + 2 * m + 2 * n].astype(np.float64)
    z = 0.5 * (z + flows[n + 2 * m + 2 * n : n + 2 * m + 3 * n]) if use_r_bypass else 0.5 * z
    return FractionalMatching(value=-flow.optimal_cost() / 2.0, x=x, bypass_used=z)


@dataclass
class Assignment:
    value: float  # in the integer weight unit
    used: np.ndarray  # per edge, bool
    bypass_used: np.ndarray  # per left node, bool


def capacitated_assignment(
    n_left: int,
    n_right: int,
    left: np.ndarray,
    right: np.ndarray,
    weight: np.ndarray,
    right_capacity: np.ndarray,
    *,
    bypass: np.ndarray | None = None,
    hub_of_left: np.ndarray | None = None,
    hub_right: list[np.ndarray] | None = None,
) -> Assignment:
    """Each left node (mentee) to at most one right node (mentor, with capacity), max weight.

    ``bypass[i]`` (int64, >= 0) is the value of giving left node i a partner outside the
    candidate graph: the flow goes through a hub to a right node and uses its capacity, as a
    real outside partner would. With ``hub_of_left`` / ``hub_right`` there is one hub per group
    of left nodes, reaching only the right nodes that group may be matched with (e.g. levels
    within the must-have range); by default one hub reaches everyone. Used for the bound.
    """
    weight = np.asarray(weight, np.int64)
    if hub_of_left is None or hub_right is None:
        hub_of_left = np.zeros(n_left, np.int64)
        hub_right = [np.arange(n_right, dtype=np.int64)]
    cap = np.asarray(right_capacity, np.int64)
    by = np.zeros(n_left, np.int64) if bypass is None else np.maximum(bypass.astype(np.int64), 0)
    with_hub = bool((by > 0).any())
    arcs = _assignment_arcs(n_left, n_right, left, right, weight, cap)
    if with_hub:
        _add_hub_arcs(arcs, n_left, n_right, by, hub_of_left, hub_right, cap)
    tails, heads, caps, costs = (np.concatenate(part) for part in arcs)
    flow = min_cost_flow.SimpleMinCostFlow()
    arc_ids = flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), caps, costs
    )
    source, sink = n_left + n_right, n_left + n_right + 1
    supplies = np.zeros(n_left + n_right + 2 + len(hub_right), np.int64)
    supplies[source] = n_left
    supplies[sink] = -n_left
    flow.set_nodes_supplies(np.arange(len(supplies), dtype=np.int32), supplies)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    flows = flow.flows(arc_ids)
    m = len(weight)
    used = flows[n_left : n_left + m] > 0
    start = n_left + m + n_right
    bypass_used = (flows[start : start + n_left] > 0) if with_hub else np.zeros(n_left, bool)
    return Assignment(value=float(-flow.optimal_cost()), used=used, bypass_used=bypass_used)


ArcLists = tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray], list[np.ndarray]]


def _assignment_arcs(
    n_left: int,
    n_right: int,
    left: np.ndarray,
    right: np.ndarray,
    weight: np.ndarray,
    cap: np.ndarray,
) -> ArcLists:
    """source -> mentee, mentee -> mentor (the edges, in order), mentor -> sink.

    No "stay unassigned" arcs: a maximum flow of minimum cost assigns as many mentees as
    possible first, then maximises the total score (lexicographic, without a big-M weight)."""
    source, sink = n_left + n_right, n_left + n_right + 1
    li = np.arange(n_left, dtype=np.int64)
    ri = np.arange(n_right, dtype=np.int64)
    m = len(weight)
    tails = [np.full(n_left, source), np.asarray(left, np.int64), n_left + ri]
    heads = [li, n_left + np.asarray(right, np.int64), np.full(n_right, sink)]
    caps = [np.ones(n_left, np.int64), np.ones(m, np.int64), cap]
    costs = [np.zeros(n_left, np.int64), -weight, np.zeros(n_right, np.int64)]
    return tails, heads, caps, costs


def _add_hub_arcs(
    arcs: ArcLists,
    n_left: int,
    n_right: int,
    by: np.ndarray,
    hub_of_left: np.ndarray,
    hub_right: list[np.ndarray],
    cap: np.ndarray,
) -> None:
    """mentee -> their hub (worth the way out), hub -> the mentors it may reach."""
    tails, heads, caps, costs = arcs
    hub = n_left + n_right + 2
    tails.append(np.arange(n_left, dtype=np.int64))
    heads.append(hub + np.asarray(hub_of_left, np.int64))
    caps.append(np.ones(n_left, np.int64))
    costs.append(-by)
    for g, targets in enumerate(hub_right):
        tails.append(np.full(len(targets), hub + g))
        heads.append(n_left + np.asarray(targets, np.int64))
        caps.append(cap[targets])
        costs.append(np.zeros(len(targets), np.int64))

"""The review screen: score and explain a pair or group a coordinator proposes, and list every
rule a solution breaks. Pass a ``ScoreModel`` to avoid recompiling for every swap."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tandem.matching.groups import make_groups
from tandem.matching.records import GroupEvaluation, Problem, Solution
from tandem.matching.scoring import ScoreModel, compile_problem

TWO_SIDED_KINDS = ("mentor_mentee", "onboarding_buddy")
PEER_KINDS = ("peer_pairs", "coffee_rotation")


def score_group(problem: Problem | ScoreModel, member_ids: Sequence[str]) -> GroupEvaluation:
    """Score and explain a given pair or group (e.g. after a coordinator's swap).

    Pass a ``ScoreModel`` from ``compile_problem`` to avoid recompiling for every swap."""
    model = problem if isinstance(problem, ScoreModel) else compile_problem(problem)
    unknown = [m for m in member_ids if m not in model.index]
    if unknown:
        return GroupEvaluation(
            tuple(member_ids), False, 0.0, [], [f"unknown id {u}" for u in unknown], [], [], {}
        )
    members = [model.index[m] for m in member_ids]
    group = make_groups(model, [members], locked=False)[0]
    violations = group_violations(model, members)
    return GroupEvaluation(
        members=group.members,
        feasible=not violations,
        score=group.score,
        pair_scores=group.pair_scores,
        violations=violations,
        explanation=group.explanation,
        factors=group.factors,
        per_member=group.per_member,
    )


def group_violations(model: ScoreModel, members: list[int]) -> list[str]:
    out = []
    for x in range(len(members)):
        for y in range(x + 1, len(members)):
            a, b = members[x], members[y]
            if not bool(model.feasible(np.array([a]), np.array([b]))[0]):
                out.append(f"{model.ids[a]} and {model.ids[b]}: {_why_infeasible(model, a, b)}")
    return out


def _why_infeasible(model: ScoreModel, a: int, b: int) -> str:
    ua, ub = np.array([a]), np.array([b])
    reasons = []
    if a == b:
        return "the same person"
    if model.constraints.exclude_same_manager:
        ma, mb = model.manager_codes[a], model.manager_codes[b]
        if ma >= 0 and ma == mb:
            reasons.append("same manager")
    for term in model.terms:
        if term.criterion.must_have and not bool(term.must_ok(ua, ub)[0]):
            reasons.append(f"must-have '{term.criterion.field}' ({term.criterion.rule}) not met")
    key = min(a, b) * model.n + max(a, b)
    if key in model.excluded_reasons:
        reasons.append(model.excluded_reasons[key])
    return ", ".join(reasons) or "not allowed"


def check_solution(problem: Problem | ScoreModel, solution: Solution) -> list[str]:
    """Every broken rule in a solution: capacity, hard rules (unless locked), left-out people
    who could still be paired (pair kinds), group shapes."""
    model = problem if isinstance(problem, ScoreModel) else compile_problem(problem)
    violations = []
    load: dict[str, int] = {}
    for group in solution.groups:
        violations += _group_problems(model, solution.kind, group.members, group.locked, load)
    violations += _capacity_problems(model, load)
    if solution.kind in PEER_KINDS:
        violations += _pairable_leftovers(model, solution)
    return violations


def _group_problems(
    model: ScoreModel, kind: str, member_ids: tuple[str, ...], locked: bool, load: dict[str, int]
) -> list[str]:
    """Unknown members, broken hard rules (locked groups are exempt) and the wrong shape;
    counts each member's groups in ``load``."""
    problems = []
    for member in member_ids:
        if member not in model.index:
            problems.append(f"unknown id {member}")
            continue
        load[member] = load.get(member, 0) + 1
    members = [model.index[m] for m in member_ids if m in model.index]
    if not locked:
        problems.extend(group_violations(model, members))
    if kind in TWO_SIDED_KINDS and len(members) != 2:
        problems.append(f"group {member_ids} is not one mentor and one mentee")
    return problems


def _capacity_problems(model: ScoreModel, load: dict[str, int]) -> list[str]:
    problems = []
    for member, count in load.items():
        cap = max(1, model.participants[model.index[member]].capacity)
        if count > cap:
            problems.append(f"{member} is in {count} groups but has capacity {cap}")
    return problems


def _pairable_leftovers(model: ScoreModel, solution: Solution) -> list[str]:
    """Two people left out who could have been paired with each other."""
    left = np.array(
        [model.index[u.id] for u in solution.unmatched if u.id in model.index], np.int64
    )
    problems: list[str] = []
    for i in left.tolist():
        others = left[left > i]
        if len(others):
            ok = model.feasible(np.full(len(others), i), others)
            problems.extend(
                f"{model.ids[i]} and {model.ids[j]} are both unmatched but could be paired"
                for j in others[ok].tolist()
            )
    return problems

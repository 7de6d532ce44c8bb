"""``solve``: one entry point for every program kind, plus scoring and checking given groups."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence

import numpy as np

from tandem.matching.bipartite import solve_bipartite
from tandem.matching.circles import solve_circles
from tandem.matching.explain import (
    display,
    explainer,
    explanation_lines,
    per_member_lines,
)
from tandem.matching.pairs import PairResult, solve_pairs
from tandem.matching.reasons import unmatched_reason
from tandem.matching.records import (
    PROGRAM_KINDS,
    ConfigError,
    Factor,
    Group,
    GroupEvaluation,
    Problem,
    Solution,
    SolveStats,
    Unmatched,
)
from tandem.matching.scoring import ScoreModel, compile_problem
from tandem.matching.stable import hospital_residents, stable_roommates

Progress = Callable[[float, str], None]
STABLE_LIMIT = 3000


def _report(progress: Progress | None, fraction: float, phase: str) -> None:
    if progress is not None:
        progress(max(0.0, min(1.0, fraction)), phase)


def validate(problem: Problem) -> None:
    problems = []
    if problem.kind not in PROGRAM_KINDS:
        problems.append(f"kind {problem.kind!r} is not one of {', '.join(PROGRAM_KINDS)}")
    size = problem.constraints.group_size
    if problem.kind == "circles" and not 3 <= size <= 6:
        problems.append(f"group_size must be between 3 and 6, not {size}")
    if problems:
        raise ConfigError(problems)


def solve(problem: Problem, *, seed: int = 0, progress: Progress | None = None) -> Solution:
    """Solve a matching problem. Deterministic for a given ``seed``.

    ``progress(fraction, phase)`` is called now and then with the fraction done (0..1) and a
    short phase label ("compiling", "candidates", "assignment", ...), e.g. for a progress bar.
    """
    started = time.perf_counter()
    validate(problem)
    _report(progress, 0.0, "compiling")
    model = compile_problem(problem, seed=seed)
    phases = {"compile": time.perf_counter() - started}

    def sub(lo: float, hi: float) -> Progress | None:
        if progress is None:
            return None
        return lambda f, phase: progress(lo + (hi - lo) * f, phase)

    kind = problem.kind
    locked_groups, locked_ids, notes = _locks(model, problem)
    active = np.array([i for i in range(model.n) if i not in locked_ids], np.int64)
    roles: dict[tuple[int, ...], dict[str, str]] = {}
    listed: dict[int, int] = {}
    solve_started = time.perf_counter()
    pool_for_reasons = active
    partner_word = "partner"
    if kind in ("peer_pairs", "coffee_rotation"):
        result = _solve_peer(model, problem, active, seed, sub(0.05, 0.9), notes)
        raw_groups = sorted([min(a, b), max(a, b)] for a, b in result.pairs)
        objective, bound = result.objective, result.bound
        solver, bound_method, certified, k = (
            result.solver,
            result.bound_method,
            result.certified,
            result.k,
        )
        if problem.constraints.allow_trio:
            raw_groups, objective = _add_trios(model, raw_groups, active, objective, notes)
    elif kind in ("mentor_mentee", "onboarding_buddy"):
        left, right, capacity, unassigned_roles = _sides(model, problem, active)
        partner_word = "mentor" if kind == "mentor_mentee" else "buddy"
        pool_for_reasons = right
        if problem.constraints.stable and len(left) * len(right) <= STABLE_LIMIT**2:
            pairs, note = _stable_assignment(model, left, right, capacity)
            notes.append(note)
            opt = solve_bipartite(model, left, right, capacity, seed=seed, k=problem.candidates_k)
            objective = float(model.scores(*_arrays(pairs)).sum()) if pairs else 0.0
            bound = opt.bound
            solver, bound_method, certified, k = (
                "mentee-optimal stable assignment (deferred acceptance)",
                opt.bound_method,
                False,
                opt.k,
            )
        else:
            res = solve_bipartite(
                model,
                left,
                right,
                capacity,
                seed=seed,
                k=problem.candidates_k,
                progress=sub(0.05, 0.9),
            )
            pairs = res.assignments
            listed = res.listed
            objective, bound = res.objective, res.bound
            solver, bound_method, certified, k = (
                res.solver,
                res.bound_method,
                res.certified,
                res.k,
            )
        role_names = ("mentee", "mentor") if kind == "mentor_mentee" else ("new_hire", "buddy")
        raw_groups = []
        for mentee, mentor in sorted(pairs, key=lambda p: (p[1], p[0])):
            raw_groups.append([mentor, mentee])
            roles[(mentor, mentee)] = {
                role_names[1]: model.ids[mentor],
                role_names[0]: model.ids[mentee],
            }
        for i in unassigned_roles:
            notes.append(f"{model.ids[i]} has no role in this program and was not matched")
        active = left
    elif kind == "circles":
        res_c = solve_circles(
            model,
            active,
            problem.constraints.group_size,
            seed=seed,
            k=problem.candidates_k,
            progress=sub(0.05, 0.9),
            locked=[list(g) for g in locked_groups],
        )
        locked_groups = []
        raw_groups = res_c.groups
        objective, bound = res_c.objective, res_c.bound
        solver, bound_method, certified, k = (res_c.solver, res_c.bound_method, False, res_c.k)
    else:  # pragma: no cover - validate() rejects it
        raise ConfigError(f"unknown kind {kind!r}")
    phases["solve"] = time.perf_counter() - solve_started

    _report(progress, 0.92, "explaining")
    explain_started = time.perf_counter()
    groups = _make_groups(model, [list(lock) for lock in locked_groups], locked=True)
    for lock in locked_groups:
        objective += _pair_total(model, list(lock))
        bound += _pair_total(model, list(lock))
    made = _make_groups(model, raw_groups, locked=False)
    for members, made_group in zip(raw_groups, made, strict=True):
        made_group.roles = roles.get(tuple(members), {})
        groups.append(made_group)
    taken = np.zeros(model.n, bool)
    in_group = np.zeros(model.n, bool)
    for g in groups:
        for member in g.members:
            in_group[model.index[member]] = True
    taken[:] = in_group
    if kind in ("mentor_mentee", "onboarding_buddy"):
        load = np.zeros(model.n, np.int64)
        for g in groups:
            for member in g.members:
                load[model.index[member]] += 1
        cap = np.array([max(1, p.capacity) for p in model.participants], np.int64)
        taken = load >= cap
    unmatched = []
    for i in active.tolist():
        if not in_group[i] and listed.get(i, 0) > 0:
            # the candidate search found feasible mentors for them and every one is full (the
            # solver also looked for feasible mentors with room): no need to scan everyone
            unmatched.append(
                Unmatched(model.ids[i], (f"every {partner_word} who fits you is at capacity"))
            )
        elif not in_group[i]:
            reason = unmatched_reason(
                model, i, pool_for_reasons, taken=taken, kind=kind, partner_word=partner_word
            )
            unmatched.append(Unmatched(model.ids[i], reason))
    phases["explain"] = time.perf_counter() - explain_started
    seconds = time.perf_counter() - started
    stats = _stats(
        model,
        groups,
        objective,
        bound,
        seconds,
        solver,
        bound_method,
        certified,
        k,
        phases,
        len(unmatched),
    )
    _report(progress, 1.0, "done")
    return Solution(kind=kind, groups=groups, unmatched=unmatched, stats=stats, notes=notes)


def _arrays(pairs: Sequence[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    arr = np.array(pairs, np.int64).reshape(-1, 2)
    return arr[:, 0], arr[:, 1]


def _locks(
    model: ScoreModel, problem: Problem
) -> tuple[list[tuple[int, ...]], set[int], list[str]]:
    groups: list[tuple[int, ...]] = []
    ids: set[int] = set()
    notes: list[str] = []
    for lock in problem.constraints.locks:
        members = [model.index[m] for m in lock if m in model.index]
        missing = [m for m in lock if m not in model.index]
        if missing:
            notes.append(f"lock {list(lock)}: unknown {', '.join(missing)}; ignored")
            continue
        if len(members) < 2 or any(m in ids for m in members):
            notes.append(f"lock {list(lock)} overlaps another lock or has fewer than 2 people")
            continue
        a, b = np.triu_indices(len(members), 1)
        arr = np.array(members, np.int64)
        if not model.feasible(arr[a], arr[b]).all():
            notes.append(
                f"lock {list(lock)} breaks a hard rule; kept because the coordinator asked for it"
            )
        groups.append(tuple(members))
        ids.update(members)
    return groups, ids, notes


def _solve_peer(
    model: ScoreModel,
    problem: Problem,
    active: np.ndarray,
    seed: int,
    progress: Progress | None,
    notes: list[str],
) -> PairResult:
    if problem.constraints.stable and len(active) <= STABLE_LIMIT:
        prefs = _peer_preferences(model, active)
        stable = stable_roommates(prefs)
        opt = solve_pairs(
            model,
            active,
            seed=seed,
            exact_limit=problem.exact_limit,
            k=problem.candidates_k,
            progress=progress,
        )
        if stable is None:
            notes.append(
                "No stable matching exists for these preferences (every arrangement "
                "leaves two people who prefer each other to their partners); the "
                "maximum-score matching is used instead."
            )
            return opt
        pairs = sorted({(min(a, b), max(a, b)) for a, b in stable.items() if b is not None})
        objective = float(model.scores(*_arrays(pairs)).sum()) if pairs else 0.0
        notes.append("Stable matching (Irving's stable roommates) on each person's own ranking.")
        return PairResult(
            list(pairs),
            objective,
            opt.bound,
            False,
            "stable roommates (Irving)",
            opt.bound_method,
            opt.k,
            opt.isolated,
        )
    result = solve_pairs(
        model,
        active,
        seed=seed,
        exact_limit=problem.exact_limit,
        k=problem.candidates_k,
        progress=progress,
    )
    # capacity > 1: further rounds among people with room left
    capacity = np.array([max(1, p.capacity) for p in model.participants], np.int64)
    if (capacity[active] > 1).any():
        used = np.zeros(model.n, np.int64)
        pairs = list(result.pairs)
        for a, b in pairs:
            used[a] += 1
            used[b] += 1
        made = {(min(a, b), max(a, b)) for a, b in pairs}
        for _ in range(int(capacity.max()) - 1):
            room = active[(used[active] < capacity[active])]
            if len(room) < 2 or not (capacity[room] > 1).any():
                break
            extra = solve_pairs(
                model, room, seed=seed, exact_limit=problem.exact_limit, k=problem.candidates_k
            )
            new = [(a, b) for a, b in extra.pairs if (min(a, b), max(a, b)) not in made]
            if not new:
                break
            for a, b in new:
                used[a] += 1
                used[b] += 1
                made.add((min(a, b), max(a, b)))
            pairs += new
        if len(pairs) > len(result.pairs):
            result.pairs = pairs
            result.objective = float(model.scores(*_arrays(pairs)).sum())
            result.certified = False
            result.bound = max(result.bound, result.objective)
            notes.append(
                "Some people have capacity > 1: extra pairs were made in further rounds "
                "among people with room left (the certificate covers the first round)."
            )
    return result


def _peer_preferences(model: ScoreModel, active: np.ndarray) -> dict[int, list[int]]:
    """Each person's ranking: their own list first (feasible entries), then everyone feasible by
    what they gain from the other (the complementary criterion counted in their direction)."""
    from tandem.matching.terms import ComplementaryTerm

    prefs: dict[int, list[int]] = {}
    for i in active.tolist():
        others = active[active != i]
        ok = model.feasible(np.full(len(others), i), others)
        others = others[ok]
        me = np.full(len(others), i)
        score = model.scores(me, others)
        for term in model.terms:
            if isinstance(term, ComplementaryTerm) and term.weight:
                both = term.values(me, others)
                mine = term.directional(others, me)
                score = score - term.weight * both + term.weight * mine
        order = others[np.lexsort((others, -score))]
        ranked = [model.index[r] for r in model.participants[i].ranking if r in model.index]
        ranked = [r for r in ranked if r in set(order.tolist())]
        prefs[i] = ranked + [r for r in order.tolist() if r not in set(ranked)]
    return prefs


def _stable_assignment(
    model: ScoreModel, left: np.ndarray, right: np.ndarray, capacity: np.ndarray
) -> tuple[list[tuple[int, int]], str]:
    resident_prefs: dict[int, list[int]] = {}
    hospital_prefs: dict[int, list[tuple[float, int]]] = {int(r): [] for r in right.tolist()}
    for e in left.tolist():
        ok = model.feasible(np.full(len(right), e), right)
        mentors = right[ok]
        s = model.scores(np.full(len(mentors), e), mentors)
        order = mentors[np.lexsort((mentors, -s))].tolist()
        own = [model.index[r] for r in model.participants[e].ranking if r in model.index]
        own = [r for r in own if r in set(order)]
        resident_prefs[e] = own + [r for r in order if r not in set(own)]
        for m, sc in zip(mentors.tolist(), s.tolist(), strict=True):
            hospital_prefs[m].append((-sc, e))
    hp = {m: [e for _, e in sorted(v)] for m, v in hospital_prefs.items()}
    for m in hp:
        own = [model.index[r] for r in model.participants[m].ranking if r in model.index]
        own = [r for r in own if r in set(hp[m])]
        hp[m] = own + [r for r in hp[m] if r not in set(own)]
    caps = {int(m): int(c) for m, c in zip(right.tolist(), capacity.tolist(), strict=True)}
    match = hospital_residents(resident_prefs, hp, caps)
    pairs = [(e, m) for e, m in match.items() if m is not None]
    return pairs, "Mentee-optimal stable assignment (mentees propose, mentors keep their best)."


def _sides(
    model: ScoreModel, problem: Problem, active: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[int]]:
    people = model.participants
    left, right, none = [], [], []
    if problem.kind == "mentor_mentee":
        for i in active.tolist():
            role = people[i].role.strip().lower()
            if role == "mentor":
                right.append(i)
            elif role == "mentee":
                left.append(i)
            else:
                none.append(i)
    else:
        window = dt.timedelta(days=problem.constraints.new_hire_days)
        today = model.reference_date
        explicit_buddies = any(p.role.strip().lower() == "buddy" for p in people)
        for i in active.tolist():
            p = people[i]
            role = p.role.strip().lower()
            recent = p.hire_date is not None and today - p.hire_date <= window
            if role == "new_hire" or (role == "" and recent):
                left.append(i)
            elif role == "buddy" or (
                not explicit_buddies and role == "" and p.hire_date is not None and not recent
            ):
                right.append(i)
            else:
                none.append(i)
    right_arr = np.array(right, np.int64)
    capacity = np.array([max(1, people[i].capacity) for i in right], np.int64)
    return np.array(left, np.int64), right_arr, capacity, none


def _add_trios(
    model: ScoreModel,
    groups: list[list[int]],
    active: np.ndarray,
    objective: float,
    notes: list[str],
) -> tuple[list[list[int]], float]:
    matched = {m for g in groups for m in g}
    odd = [i for i in active.tolist() if i not in matched]
    if not odd or not groups:
        return groups, objective
    pairs = np.array([g for g in groups if len(g) == 2], np.int64).reshape(-1, 2)
    used = np.zeros(len(pairs), bool)
    for x in odd:
        xs = np.full(len(pairs), x)
        ok = model.feasible(xs, pairs[:, 0]) & model.feasible(xs, pairs[:, 1]) & ~used
        if not ok.any():
            continue
        gain = model.scores(xs, pairs[:, 0]) + model.scores(xs, pairs[:, 1])
        best = int(np.argmax(np.where(ok, gain, -np.inf)))
        used[best] = True
        target = next(g for g in groups if g == [int(pairs[best, 0]), int(pairs[best, 1])])
        target.append(x)
        notes.append(f"{model.ids[x]} joins a trio (odd one out)")
    return groups, objective


def _pair_total(model: ScoreModel, members: list[int]) -> float:
    if len(members) < 2:
        return 0.0
    a, b = np.triu_indices(len(members), 1)
    m = np.array(members, np.int64)
    return float(model.scores(m[a], m[b]).sum())


def _make_groups(
    model: ScoreModel, groups: Sequence[Sequence[int]], *, locked: bool
) -> list[Group]:
    """Groups with scores and explanations; all pairs are scored and explained in one batch."""
    pair_a, pair_b, owner = [], [], []
    for gi, members in enumerate(groups):
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                pair_a.append(members[x])
                pair_b.append(members[y])
                owner.append(gi)
    a_arr, b_arr = np.array(pair_a, np.int64), np.array(pair_b, np.int64)
    scores = model.scores(a_arr, b_arr).tolist() if len(a_arr) else []
    all_factors = explainer(model).pairs(a_arr, b_arr) if len(a_arr) else []
    out = []
    cursor = 0
    for gi, members in enumerate(groups):
        ids = tuple(model.ids[m] for m in members)
        pair_scores: list[tuple[str, str, float]] = []
        factors: list[Factor] = []
        explanation: list[str] = []
        per_member: dict[str, list[str]] = {i: [] for i in ids}
        while cursor < len(owner) and owner[cursor] == gi:
            a, b = pair_a[cursor], pair_b[cursor]
            fs = all_factors[cursor]
            pair_scores.append((model.ids[a], model.ids[b], round(scores[cursor], 6)))
            lines = explanation_lines(fs)
            if len(members) == 2:
                factors, explanation = fs, lines
            else:
                names = f"{display(model.participants[a])} & {display(model.participants[b])}"
                explanation.append(f"{names}: " + "; ".join(lines[:3]))
                factors.extend(fs)
            for member, items in per_member_lines(model, a, b, fs).items():
                per_member[member].extend(items if len(members) == 2 else items[:2])
            cursor += 1
        if locked:
            explanation.insert(0, "locked by the coordinator")
        if len(pair_scores) == 1:  # a pair: its score (np.mean of one number is a slow copy)
            score = pair_scores[0][2]
        else:
            score = float(np.mean([sc for _, _, sc in pair_scores])) if pair_scores else 0.0
        out.append(
            Group(
                members=ids,
                score=round(score, 6),
                pair_scores=pair_scores,
                explanation=explanation,
                factors=factors,
                per_member=per_member,
                locked=locked,
            )
        )
    return out


def _make_group(model: ScoreModel, members: list[int], *, locked: bool) -> Group:
    return _make_groups(model, [members], locked=locked)[0]


def _stats(
    model: ScoreModel,
    groups: list[Group],
    objective: float,
    bound: float,
    seconds: float,
    solver: str,
    bound_method: str,
    certified: bool,
    k: int,
    phases: dict[str, float],
    unmatched: int,
) -> SolveStats:
    # per person (mentors may be in several groups): the mean score of their pairs
    slot: dict[str, int] = {}
    owners: list[int] = []
    values: list[float] = []
    for g in groups:
        for member in g.members:
            slot.setdefault(member, len(slot))
        for a, b, s in g.pair_scores:
            owners += (slot[a], slot[b])
            values += (s, s)
    totals = np.bincount(owners, weights=values, minlength=len(slot))
    counts = np.bincount(owners, minlength=len(slot))
    person_scores = np.divide(totals, counts, out=np.zeros(len(slot)), where=counts > 0).tolist()
    group_scores = np.array([g.score for g in groups]) if groups else np.zeros(0)
    counts, edges = np.histogram(group_scores, bins=10, range=(0.0, 1.0))
    histogram = [
        (round(float(edges[i]), 2), round(float(edges[i + 1]), 2), int(counts[i]))
        for i in range(10)
    ]
    quantiles = (
        {f"p{q}": round(float(np.percentile(group_scores, q)), 4) for q in (10, 25, 50, 75, 90)}
        if len(group_scores)
        else {}
    )
    gap = max(0.0, (bound - objective) / bound) if bound > 0 else 0.0
    if certified:
        gap = 0.0
    return SolveStats(
        objective=round(objective, 6),
        bound=round(bound, 6),
        gap=round(gap, 6),
        matched=len(person_scores),
        unmatched=unmatched,
        worst_off=round(min(person_scores), 6) if person_scores else 0.0,
        mean_score=round(float(group_scores.mean()), 6) if len(group_scores) else 0.0,
        histogram=histogram,
        quantiles=quantiles,
        seconds=round(seconds, 3),
        solver=solver,
        bound_method=bound_method,
        certified_optimal=certified,
        candidates_k=k,
        phases={key: round(v, 3) for key, v in phases.items()},
    )


# ---------------------------------------------------------------------------------------------
# Review screen helpers
# ---------------------------------------------------------------------------------------------


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
    group = _make_group(model, members, locked=False)
    violations = _group_violations(model, members)
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


def _group_violations(model: ScoreModel, members: list[int]) -> list[str]:
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
        for member in group.members:
            if member not in model.index:
                violations.append(f"unknown id {member}")
                continue
            load[member] = load.get(member, 0) + 1
        members = [model.index[m] for m in group.members if m in model.index]
        if not group.locked:
            violations.extend(_group_violations(model, members))
        if solution.kind in ("mentor_mentee", "onboarding_buddy") and len(members) != 2:
            violations.append(f"group {group.members} is not one mentor and one mentee")
    for member, count in load.items():
        cap = max(1, model.participants[model.index[member]].capacity)
        if count > cap:
            violations.append(f"{member} is in {count} groups but has capacity {cap}")
    if solution.kind in ("peer_pairs", "coffee_rotation"):
        left = np.array(
            [model.index[u.id] for u in solution.unmatched if u.id in model.index], np.int64
        )
        for i in left.tolist():
            others = left[left > i]
            if len(others):
                ok = model.feasible(np.full(len(others), i), others)
                for j in others[ok].tolist():
                    violations.append(
                        f"{model.ids[i]} and {model.ids[j]} are both unmatched but could be paired"
                    )
    return violations

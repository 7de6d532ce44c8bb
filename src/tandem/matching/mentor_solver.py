"""mentor_mentee and onboarding_buddy: two sides, the second with capacities (bipartite.py),
optionally as the mentee-optimal stable assignment. The kinds differ only in who is on which
side and what the roles are called."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tandem.matching.bipartite import BipartiteResult, solve_bipartite
from tandem.matching.preferences import mentor_preferences
from tandem.matching.records import Problem
from tandem.matching.scoring import ScoreModel
from tandem.matching.solver import STABLE_LIMIT, SolveRequest, SolverResult, pairs_total
from tandem.matching.stable import hospital_residents

STABLE_NOTE = "Mentee-optimal stable assignment (mentees propose, mentors keep their best)."
STABLE_SOLVER = "mentee-optimal stable assignment (deferred acceptance)"


@dataclass(frozen=True)
class Sides:
    """Participant indices of the seeking side, the side with capacity, and everyone else."""

    seekers: list[int]
    partners: list[int]
    without_role: list[int]


SideRule = Callable[[ScoreModel, Problem, np.ndarray], Sides]


def mentor_sides(model: ScoreModel, problem: Problem, active: np.ndarray) -> Sides:
    """``role`` decides: mentees seek, mentors have capacity."""
    sides = Sides([], [], [])
    for i in active.tolist():
        role = model.participants[i].role.strip().lower()
        if role == "mentor":
            sides.partners.append(i)
        elif role == "mentee":
            sides.seekers.append(i)
        else:
            sides.without_role.append(i)
    return sides


def buddy_sides(model: ScoreModel, problem: Problem, active: np.ndarray) -> Sides:
    """New hires (role ``new_hire``, or hired within ``new_hire_days``) seek; buddies (role
    ``buddy``, or, when nobody has that role, everyone hired earlier) have capacity."""
    people = model.participants
    window = dt.timedelta(days=problem.constraints.new_hire_days)
    today = model.reference_date
    explicit_buddies = any(p.role.strip().lower() == "buddy" for p in people)
    sides = Sides([], [], [])
    for i in active.tolist():
        p = people[i]
        role = p.role.strip().lower()
        recent = p.hire_date is not None and today - p.hire_date <= window
        if role == "new_hire" or (role == "" and recent):
            sides.seekers.append(i)
        elif role == "buddy" or (
            not explicit_buddies and role == "" and p.hire_date is not None and not recent
        ):
            sides.partners.append(i)
        else:
            sides.without_role.append(i)
    return sides


@dataclass(frozen=True)
class TwoSidedSolver:
    """Seekers get one partner each, partners up to their ``capacity``."""

    sides: SideRule
    seeker_role: str
    partner_role: str

    def solve(self, model: ScoreModel, problem: Problem, request: SolveRequest) -> SolverResult:
        sides = self.sides(model, problem, request.active)
        left = np.array(sides.seekers, np.int64)
        right = np.array(sides.partners, np.int64)
        people = model.participants
        capacity = np.array([max(1, people[i].capacity) for i in sides.partners], np.int64)
        notes: list[str] = []
        if problem.constraints.stable and len(left) * len(right) <= STABLE_LIMIT**2:
            result = _stable_assignment(model, problem, request, left, right, capacity)
            notes.append(STABLE_NOTE)
        else:
            result = solve_bipartite(
                model,
                left,
                right,
                capacity,
                seed=request.seed,
                k=problem.candidates_k,
                progress=request.progress,
            )
        groups, roles = self._groups(model, result.assignments)
        notes += [
            f"{model.ids[i]} has no role in this program and was not matched"
            for i in sides.without_role
        ]
        return SolverResult(
            groups=groups,
            objective=result.objective,
            bound=result.bound,
            certified=result.certified,
            solver=result.solver,
            bound_method=result.bound_method,
            k=result.k,
            locked=request.locked,
            waiting=left,
            partners=right,
            partner_word=self.partner_role,
            partners_have_capacity=True,
            roles=roles,
            listed=result.listed,
            notes=notes,
        )

    def _groups(
        self, model: ScoreModel, assignments: list[tuple[int, int]]
    ) -> tuple[list[list[int]], dict[tuple[int, ...], dict[str, str]]]:
        """[partner, seeker] groups ordered by partner, with their roles."""
        groups: list[list[int]] = []
        roles: dict[tuple[int, ...], dict[str, str]] = {}
        for seeker, partner in sorted(assignments, key=lambda p: (p[1], p[0])):
            groups.append([partner, seeker])
            roles[(partner, seeker)] = {
                self.partner_role: model.ids[partner],
                self.seeker_role: model.ids[seeker],
            }
        return groups, roles


def _stable_assignment(
    model: ScoreModel,
    problem: Problem,
    request: SolveRequest,
    left: np.ndarray,
    right: np.ndarray,
    capacity: np.ndarray,
) -> BipartiteResult:
    """Deferred acceptance (mentees propose); the optimal assignment's bound is reported."""
    resident_prefs, hospital_prefs = mentor_preferences(model, left, right)
    caps = {int(m): int(c) for m, c in zip(right.tolist(), capacity.tolist(), strict=True)}
    match = hospital_residents(resident_prefs, hospital_prefs, caps)
    pairs = [(e, m) for e, m in match.items() if m is not None]
    best = solve_bipartite(model, left, right, capacity, seed=request.seed, k=problem.candidates_k)
    return BipartiteResult(
        pairs,
        pairs_total(model, pairs),
        best.bound,
        False,
        STABLE_SOLVER,
        best.bound_method,
        best.k,
    )

"""One solver per program kind, all behind ``solver.Solver``."""

from __future__ import annotations

from tandem.matching.circles import solve_circles
from tandem.matching.mentor_solver import TwoSidedSolver, buddy_sides, mentor_sides
from tandem.matching.peer_solver import PeerPairsSolver
from tandem.matching.records import Problem
from tandem.matching.scoring import ScoreModel
from tandem.matching.solver import Solver, SolveRequest, SolverResult


class CirclesSolver:
    """Groups of about ``group_size``; the coordinator's locks seed groups of their own."""

    def solve(self, model: ScoreModel, problem: Problem, request: SolveRequest) -> SolverResult:
        result = solve_circles(
            model,
            request.active,
            problem.constraints.group_size,
            seed=request.seed,
            k=problem.candidates_k,
            progress=request.progress,
            locked=[list(g) for g in request.locked],
        )
        return SolverResult(
            groups=result.groups,
            objective=result.objective,
            bound=result.bound,
            certified=False,
            solver=result.solver,
            bound_method=result.bound_method,
            k=result.k,
            locked=[],
            waiting=request.active,
            partners=request.active,
        )


SOLVERS: dict[str, Solver] = {
    "peer_pairs": PeerPairsSolver(),
    "mentor_mentee": TwoSidedSolver(mentor_sides, seeker_role="mentee", partner_role="mentor"),
    "circles": CirclesSolver(),
    # a peer round that avoids past pairs within the cool-down (the rule is in compile)
    "coffee_rotation": PeerPairsSolver(),
    "onboarding_buddy": TwoSidedSolver(buddy_sides, seeker_role="new_hire", partner_role="buddy"),
}

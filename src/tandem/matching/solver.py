"""The one interface every program kind's solver implements, and the one result they return.

``engine.solve`` validates and compiles, hands the people who are not locked together to the
kind's ``Solver``, then explains whatever ``SolverResult`` comes back the same way for every
kind: it never needs to know which algorithm ran.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from tandem.matching.candidates import Progress
from tandem.matching.records import Problem
from tandem.matching.scoring import ScoreModel

#: stable assignment (pure Python) only up to this many people per side
STABLE_LIMIT = 3000


@dataclass(frozen=True)
class SolveRequest:
    """Who is to be matched (``active``: everyone not in a coordinator's lock) and how."""

    active: np.ndarray
    locked: list[tuple[int, ...]]
    seed: int
    progress: Progress | None = None


@dataclass
class SolverResult:
    """Groups as participant indices, with their quality and what the explanations need."""

    groups: list[list[int]]
    objective: float
    bound: float
    certified: bool
    solver: str
    bound_method: str
    k: int
    #: the coordinator's locks to show as locked groups (a solver that places them itself,
    #: as circles do, returns none)
    locked: list[tuple[int, ...]]
    #: people who should have a match: those left out get a reason
    waiting: np.ndarray
    #: the people they could have been matched with, and what to call them in the reason
    partners: np.ndarray
    partner_word: str = "partner"
    #: partners are "taken" only when at capacity (mentors, buddies), not once matched
    partners_have_capacity: bool = False
    #: roles inside each group, keyed by its members
    roles: dict[tuple[int, ...], dict[str, str]] = field(default_factory=dict)
    #: how many feasible partners each person's candidate list held (for the reasons)
    listed: dict[int, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class Solver(Protocol):
    """Solves one program kind."""

    def solve(self, model: ScoreModel, problem: Problem, request: SolveRequest) -> SolverResult:
        """Match ``request.active``; deterministic for ``request.seed``."""
        ...


def pair_arrays(pairs: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    arr = np.array(pairs, np.int64).reshape(-1, 2)
    return arr[:, 0], arr[:, 1]


def pairs_total(model: ScoreModel, pairs: list[tuple[int, int]]) -> float:
    return float(model.scores(*pair_arrays(pairs)).sum()) if pairs else 0.0

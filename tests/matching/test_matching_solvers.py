"""Every program kind is solved by a solver registered for it (engine.solve looks it up)."""

from tandem.matching import PROGRAM_KINDS
from tandem.matching.kinds import SOLVERS


def test_every_program_kind_has_a_solver():
    assert set(SOLVERS) == set(PROGRAM_KINDS)

from __future__ import annotations

import pytest

from tandem.programs.models import Program
from tests.factories import enrolled_program


def matching_program(coordinator, n: int, *, kind: str = "peer_pairs", **fields) -> Program:
    """A program in the matching stage with ``n`` enrolled people of varied skills and zones
    (``tests.factories.enrolled_program``), coordinated by ``coordinator``."""
    return enrolled_program(n, kind=kind, status="matching", coordinators=[coordinator], **fields)


@pytest.fixture
def program_factory(coordinator):
    return lambda n, **kw: matching_program(coordinator, n, **kw)

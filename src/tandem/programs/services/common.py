"""The check every coordinator use case of a program starts with."""

from __future__ import annotations

from tandem.accounts.models import User
from tandem.core.errors import PermissionDeniedError
from tandem.programs.models import (
    Program,
)
from tandem.programs.selectors import (
    can_coordinate,
)


def require_coordinator(actor: User, program: Program) -> None:
    if not can_coordinate(actor, program):
        raise PermissionDeniedError("Only this program's coordinators can do that.")

"""What every survey use case shares: who may run surveys, today's date in the site's zone."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from tandem.accounts.models import User
from tandem.core.errors import PermissionDeniedError
from tandem.programs.models import Program
from tandem.programs.selectors import can_coordinate

MAX_TEXT = 4000


MAX_REMINDERS = 3


def require_coordinator(actor: User | None, program: Program) -> None:
    if actor is not None and not can_coordinate(actor, program):
        raise PermissionDeniedError("Only this program's coordinators can do that.")


def local_date(now: datetime | None = None) -> date:
    return timezone.localdate(now or timezone.now())

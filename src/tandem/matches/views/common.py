"""What the matching views share."""

from __future__ import annotations

from django.contrib import messages

from tandem.accounts.http import AuthenticatedHttpRequest
from tandem.core.errors import ApplicationError


def number(value: str | None) -> int:
    """A posted or queried id; anything that is not a number is 0 (which matches nothing)."""
    return int(value) if value and value.isdigit() else 0


def fail(request: AuthenticatedHttpRequest, exc: ApplicationError) -> None:
    """Tell the person why their request was refused, problems included."""
    details = " ".join(e.message for e in exc.errors)
    messages.error(request, f"{exc.message} {details}".strip())

"""What the relationship views share."""

from __future__ import annotations

from django.forms import BaseForm

from tandem.core.errors import ApplicationError


def apply_errors(form: BaseForm, exc: ApplicationError) -> None:
    """Show a refused request's problems on the form: on their field when it has one."""
    for error in exc.errors:
        form.add_error(error.field if error.field in form.fields else None, error.message)
    if not exc.errors:
        form.add_error(None, exc.message)


def page_number(value: str | None, pages: int) -> int:
    """A ``?page=`` value clamped to 1..pages; anything that is not a number is page 1."""
    number = int(value) if value and value.isdigit() else 1
    return max(1, min(number, pages))

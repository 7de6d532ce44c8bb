"""Showing a refused request to a person: on the form's fields, or as one message."""

from __future__ import annotations

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest

from tandem.core.errors import ApplicationError


def add_to_form(form: BaseForm, exc: ApplicationError) -> None:
    """Each problem on the field it names (or on the form), so the page shows it in place."""
    for error in exc.errors:
        form.add_error(error.field if error.field in form.fields else None, error.message)
    if not exc.errors:
        form.add_error(None, exc.message)


def refusal_text(exc: ApplicationError) -> str:
    """The refusal and every problem it lists, as one sentence or a few."""
    return " ".join([exc.message, *(e.message for e in exc.errors)]).strip()


def show_refusal(request: HttpRequest, exc: ApplicationError) -> None:
    messages.error(request, refusal_text(exc))

"""The questionnaire editor page, shared by enrolment questionnaires and surveys: the rows it
lists and the small POST views that move or delete one question (one URL per action)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from tandem.core.errors import ApplicationError
from tandem.programs.questionnaire.base import QuestionBase


@dataclass(frozen=True)
class EditorRow:
    """One question as the editor lists it, with the addresses of its actions."""

    question: QuestionBase
    details: str
    badges: tuple[tuple[str, str], ...]  # (text, css class)
    edit_url: str
    up_url: str
    down_url: str
    delete_url: str


def editor_rows(
    questions: list[QuestionBase],
    *,
    namespace: str,
    owner_id: int,
    details: Callable[[QuestionBase], str],
    badges: Callable[[QuestionBase], tuple[tuple[str, str], ...]],
) -> list[EditorRow]:
    """Rows for ``<namespace>:question``, ``question_up``, ``question_down``, ``question_delete``
    (each takes the owner's id and the question's id)."""

    def url(name: str, question: QuestionBase) -> str:
        return reverse(f"{namespace}:{name}", args=[owner_id, question.pk])

    return [
        EditorRow(
            question=q,
            details=details(q),
            badges=badges(q),
            edit_url=url("question", q),
            up_url=url("question_up", q),
            down_url=url("question_down", q),
            delete_url=url("question_delete", q),
        )
        for q in questions
    ]


def apply_and_return(request: HttpRequest, change: Callable[[], object], to: str) -> HttpResponse:
    """Run one editor action, show a refusal as a message, go back to the editor page ``to``."""
    try:
        change()
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(to)

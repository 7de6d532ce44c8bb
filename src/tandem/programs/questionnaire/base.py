"""The question both questionnaires are made of (enrolment questions, survey questions)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models

MAX_CHOICE_LENGTH = 200


class QuestionBase(models.Model):
    """What every question has: its place, its help text, its choices, whether it is required.

    Each concrete question names the field that holds its wording in ``PROMPT_FIELD``
    (``label`` for enrolment, ``text`` for surveys), so the shared editor can read and
    validate it without knowing which kind of questionnaire it edits.
    """

    PROMPT_FIELD: ClassVar[str] = "label"

    position = models.PositiveSmallIntegerField(default=0)
    help_text = models.CharField(max_length=500, blank=True)
    choices = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=False)

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    @property
    def prompt(self) -> str:
        return str(getattr(self, self.PROMPT_FIELD) or "")


def clean_choices(choices: Any) -> list[str]:
    """Choices from a list or from text with one per line: trimmed, blank lines and repeats
    dropped, each at most 200 characters."""
    if isinstance(choices, str):
        choices = choices.splitlines()
    seen: dict[str, None] = {}
    for choice in choices or []:
        text = " ".join(str(choice).split())
        if text:
            seen.setdefault(text[:MAX_CHOICE_LENGTH], None)
    return list(seen)

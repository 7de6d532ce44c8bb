"""Spreadsheet cells → the enrolment form's data, so a cohort file is validated by exactly the
rules a person meets on the join page (same form, same messages)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from tandem.people.importing import parse
from tandem.people.importing.reader import Cell
from tandem.people.selectors import departments_by_name, skills_by_name
from tandem.programs.availability import AVAILABILITY_CHOICES
from tandem.programs.models import MEETING_FORMATS, PRIVATE_KINDS, Question, QuestionKind
from tandem.programs.questionnaire.enrolment import field_name
from tandem.programs.questionnaire.standard import LEARNING_STYLES

_SPLIT = re.compile(r"\s*[;,\n|]\s*")

EMAIL_HEADERS = ("email", "e-mail", "work email", "email address", "mail")
CAPACITY_HEADERS = ("capacity", "mentees", "how many mentees", "partners", "how many partners")
NAME_HEADERS = ("name", "full name", "first name", "last name", "surname")


def normalise(header: str) -> str:
    return " ".join(header.replace("_", " ").lower().strip(" :?*").split())


def header_targets(questions: Iterable[Question]) -> dict[str, str]:
    """Every header a coordinator's survey export might use, mapped to what it fills:
    a question key, "email" or "capacity" (names of people are recognised and ignored)."""
    targets: dict[str, str] = {}
    for question in questions:
        for alias in (question.key, question.label, question.get_kind_display()):
            targets.setdefault(normalise(alias), question.key)
    for alias in EMAIL_HEADERS:
        targets[alias] = "email"
    for alias in CAPACITY_HEADERS:
        targets.setdefault(alias, "capacity")
    for alias in NAME_HEADERS:
        targets.setdefault(alias, "")
    return targets


class CellProblem(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _tokens(value: Cell) -> list[str]:
    raw = parse.text(value, max_length=4000)
    return [t for t in _SPLIT.split(raw) if t]


def _choice(token: str, options: Iterable[tuple[str, str]]) -> str:
    wanted = token.strip().lower()
    for value, label in options:
        if wanted in (value.lower(), str(label).lower()):
            return value
    names = ", ".join(str(label) for _, label in options)
    raise CellProblem(f"“{token}” is not one of the choices ({names})")


class CellReader:
    """Converts one question's cell, with the directory's vocabularies looked up once."""

    def __init__(self) -> None:
        self.skills = skills_by_name()
        self.departments = departments_by_name()

    def form_values(self, question: Question, value: Cell) -> dict[str, Any]:
        """The form field value(s) for ``question`` from one cell; {} for an empty cell."""
        if value in (None, ""):
            return {}
        if question.kind in PRIVATE_KINDS:
            raise CellProblem(
                "private answers (background, people to avoid) are each person's own to give; "
                "leave this column out"
            )
        try:
            converted = self._convert(question, value)
        except parse.CellError as exc:
            raise CellProblem(f"the value {exc.message}") from None
        return {field_name(question): converted}

    def _convert(self, question: Question, value: Cell) -> Any:
        kind = question.kind
        skills = (QuestionKind.SKILLS_OFFERED, QuestionKind.SKILLS_WANTED, QuestionKind.INTERESTS)
        if kind in skills:
            return [self._skill(t) for t in _tokens(value)]
        if kind == QuestionKind.DEPARTMENT:
            name = parse.text(value).lower()
            if name not in self.departments:
                raise CellProblem(f"“{parse.text(value)}” is not a department in the directory")
            return self.departments[name].pk
        if kind == QuestionKind.LEVEL:
            level = parse.level(value)
            return "" if level is None else str(level)
        if kind == QuestionKind.TIMEZONE:
            zone = parse.timezone_name(value)
            return zone or ""
        if kind == QuestionKind.LANGUAGES:
            return parse.languages(value)
        if kind == QuestionKind.AVAILABILITY:
            return [_choice(t, AVAILABILITY_CHOICES) for t in _tokens(value)]
        if kind == QuestionKind.MEETING_FORMAT:
            labels = dict(MEETING_FORMATS)
            options = [(c, labels.get(c, c)) for c in question.choices]
            return [_choice(t, options) for t in _tokens(value)]
        if kind == QuestionKind.LEARNING_STYLE:
            labels = dict(LEARNING_STYLES)
            return _choice(parse.text(value), [(c, labels.get(c, c)) for c in question.choices])
        if kind in (QuestionKind.ROLE, QuestionKind.CHOICE):
            return _choice(parse.text(value), [(c, c) for c in question.choices])
        if kind == QuestionKind.MULTI_CHOICE:
            return [_choice(t, [(c, c) for c in question.choices]) for t in _tokens(value)]
        if kind == QuestionKind.GOALS:
            return parse.text(value, max_length=2000)
        return parse.text(value, max_length=1000)

    def _skill(self, token: str) -> int:
        skill = self.skills.get(token.lower())
        if skill is None:
            raise CellProblem(f"“{token}” is not a skill in the directory's vocabulary")
        return skill.pk


def capacity(value: Cell, cap: int) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(float(str(value).strip()))
    except ValueError:
        raise CellProblem(f"“{value}” is not a number") from None
    if not 1 <= number <= cap:
        raise CellProblem(f"must be between 1 and {cap} (the program's cap)")
    return number

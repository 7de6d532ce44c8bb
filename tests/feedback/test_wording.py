"""Survey statements read the way a respondent would say them."""

from __future__ import annotations

import re

import pytest

from tandem.feedback.catalog import TEMPLATES, render
from tandem.programs.models import Program, ProgramKind


@pytest.mark.parametrize("kind", list(ProgramKind))
def test_first_person_statements_never_say_your(kind):
    program = Program(kind=kind)
    statements = [
        render(question.text, program)
        for template in TEMPLATES.values()
        for question in (*template.questions, *template.culture)
    ]
    first_person = [s for s in statements if re.match(r"(I|When I)\b", s)]
    assert len(first_person) >= 4
    for statement in first_person:
        assert " your " not in statement, statement
    assert any(" my " in s for s in first_person)
    questions = [s for s in statements if s.endswith("?") and "{" not in s]
    assert all("{" not in s and " my partner" not in s for s in questions)

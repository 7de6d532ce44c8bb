from __future__ import annotations

import pytest

from tandem.programs.models import Program
from tandem.programs.services.enrolment import enrolment_submit
from tandem.programs.services.stages import program_transition
from tests.factories import PersonFactory, SkillFactory, make_program

SKILLS = ["SQL", "Public speaking", "Negotiation", "Python", "Design", "Coaching"]
ZONES = ["Europe/Berlin", "Europe/London", "America/New_York", "Asia/Kolkata"]


def matching_program(coordinator, n: int, *, kind: str = "peer_pairs", **fields) -> Program:
    """A program in the matching stage with ``n`` enrolled people of varied skills and zones."""
    skills = [SkillFactory(name=name) for name in SKILLS]
    program = make_program(coordinator, kind=kind, status="enrolling", **fields)
    questions = {q.key: q for q in program.questions.all()}
    for i in range(n):
        person = PersonFactory(
            user__email=f"p{i}@example.com",
            user__name=f"Person {i:02d}",
            level=2 + i % 4,
            timezone=ZONES[i % len(ZONES)],
            department__name=f"Dept {i % 5}",
        )
        answers = {}
        for key, question in questions.items():
            if key == "skills_offered":
                answers[question] = [skills[i % 6].pk, skills[(i + 1) % 6].pk]
            elif key == "skills_wanted":
                answers[question] = [skills[(i + 3) % 6].pk]
            elif key == "goals":
                answers[question] = f"Get better at {SKILLS[(i + 3) % 6].lower()}"
            elif key == "role":
                answers[question] = "mentor" if i % 3 == 0 else "mentee"
        role = ("mentor" if i % 3 == 0 else "mentee") if kind == "mentor_mentee" else ""
        enrolment_submit(
            actor=person.user,
            program=program,
            answers=answers,
            role=role,
            capacity=2 if role == "mentor" else None,
        )
    return program_transition(actor=coordinator, program=program, to="matching")


@pytest.fixture
def program_factory(coordinator):
    return lambda n, **kw: matching_program(coordinator, n, **kw)

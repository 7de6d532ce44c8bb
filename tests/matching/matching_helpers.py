"""Shared builders for the matching engine's tests (no Django, no database)."""

from __future__ import annotations

import datetime as dt
import random

from tandem.matching import Criterion, Participant, PastPartner, Problem

REFERENCE = dt.date(2026, 11, 23)
ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Europe/London"]
SKILLS = ["sql", "python", "public speaking", "writing", "design", "negotiation"]
GOALS = [
    "learn python and sql",
    "get better at public speaking",
    "lead a team",
    "",
    "grow as a leader",
]

EXAMPLE_CRITERIA = [
    Criterion("skills", "complementary", 5),
    Criterion("level", "close", 2, must_have=True, max_difference=2),
    Criterion("timezone", "overlap", 2),
    Criterion("department", "different", 1),
    Criterion("goals", "similar_text", 1),
]


def random_people(n: int, seed: int, *, roles: str = "", holes: bool = True) -> list[Participant]:
    rng = random.Random(seed)
    people = []
    for i in range(n):
        role = ""
        if roles == "mentor_mentee":
            role = "mentor" if rng.random() < 0.35 else "mentee"
        people.append(
            Participant(
                id=f"p{i}",
                name=f"P{i}",
                department=rng.choice("ABC"),
                manager_id=f"m{rng.randrange(4)}",
                level=(None if holes and rng.random() < 0.05 else rng.randint(1, 6)),
                timezone=rng.choice(ZONES),
                languages=("English",) + (("German",) if rng.random() < 0.3 else ()),
                skills_offered=tuple(rng.sample(SKILLS, rng.randint(0, 3))),
                skills_wanted=tuple(rng.sample(SKILLS, rng.randint(0, 3))),
                goals=rng.choice(GOALS),
                past_partners=tuple(
                    PastPartner(f"p{rng.randrange(n)}", round=1) for _ in range(rng.randint(0, 1))
                ),
                capacity=rng.randint(1, 3) if role == "mentor" else 1,
                role=role,
            )
        )
    return people


def make_problem(people, kind="peer_pairs", criteria=None, **kwargs) -> Problem:
    return Problem(
        kind,
        people,
        list(criteria or EXAMPLE_CRITERIA),
        reference_date=REFERENCE,
        text_backend="tfidf",
        **kwargs,
    )

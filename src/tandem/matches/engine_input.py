"""Turn a program's enrolments into the engine's plain records, and build default criteria.

This module is the only place that reads private answers ("please not" lists and background
attributes): they go into the engine's records and nowhere else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from tandem.core.languages import language_name as core_language_name
from tandem.matching import Constraints, Participant, PastPartner
from tandem.people.models import Department, Person, PersonStatus, Skill
from tandem.programs.availability import availability
from tandem.programs.models import (
    Answer,
    Enrolment,
    EnrolmentStatus,
    PrivateAnswer,
    Program,
    ProgramKind,
    QuestionKind,
)
from tandem.relationships.models import Membership

# Which engine field each question kind fills.
FIELD_OF_KIND: dict[str, str] = {
    QuestionKind.SKILLS_OFFERED: "skills_offered",
    QuestionKind.SKILLS_WANTED: "skills_wanted",
    QuestionKind.GOALS: "goals",
    QuestionKind.LEVEL: "level",
    QuestionKind.DEPARTMENT: "department",
    QuestionKind.TIMEZONE: "timezone",
    QuestionKind.LANGUAGES: "languages",
    QuestionKind.AVAILABILITY: "availability",
    QuestionKind.INTERESTS: "interests",
    QuestionKind.PREFERRED_PEERS: "preferred",
    QuestionKind.AVOID_PEERS: "avoid",
}


def language_name(code: str) -> str:
    """Explanations read "both speak German", not "both speak de"."""
    return core_language_name(str(code))


def manager_chains(people: Iterable[Person]) -> dict[int, tuple[str, ...]]:
    """Every manager up each person's reporting line, from the whole directory."""
    manager_of = dict(Person.objects.values_list("pk", "manager_id"))
    chains = {}
    for person in people:
        chain: list[str] = []
        current = manager_of.get(person.pk)
        while current is not None and str(current) not in chain and len(chain) < 50:
            chain.append(str(current))
            current = manager_of.get(current)
        chains[person.pk] = tuple(chain)
    return chains


def past_partners(program: Program, person_ids: set[int]) -> dict[int, list[PastPartner]]:
    """Everyone each person was matched with in this program (declined matches included)."""
    memberships = Membership.objects.filter(relationship__program=program, person_id__in=person_ids)
    rows = memberships.values_list(
        "relationship_id", "person_id", "relationship__round", "relationship__created_at"
    )
    by_relationship: dict[int, list[tuple[int, int | None, dt.datetime]]] = {}
    for relationship_id, person_id, round_number, created in rows:
        by_relationship.setdefault(relationship_id, []).append((person_id, round_number, created))
    result: dict[int, list[PastPartner]] = {}
    for members in by_relationship.values():
        for person_id, round_number, created in members:
            for other, _, _ in members:
                if other != person_id:
                    result.setdefault(person_id, []).append(
                        PastPartner(str(other), round=round_number, date=created.date())
                    )
    return result


def avoids_each_other(program: Program, first: Person, second: Person) -> bool:
    """Whether either person's private "please not" list names the other (never which one)."""
    lists = PrivateAnswer.objects.filter(
        enrolment__program=program,
        enrolment__person__in=[first, second],
        question__kind=QuestionKind.AVOID_PEERS,
    ).values_list("enrolment__person_id", "value")
    other = {first.pk: second.pk, second.pk: first.pk}
    return any(str(other[owner]) in {str(v) for v in value or []} for owner, value in lists)


def participants(
    program: Program,
    enrolments: list[Enrolment] | None = None,
    *,
    capacity: dict[int, int] | None = None,
) -> list[Participant]:
    if enrolments is None:
        enrolments = list(
            Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE).select_related(
                "person__user", "person__department"
            )
        )
    # A leaver is never proposed, whatever list of enrolments the caller gathered.
    enrolments = [e for e in enrolments if e.person.status != PersonStatus.LEFT]
    skill_names = dict(Skill.objects.values_list("pk", "name"))
    department_names = dict(Department.objects.values_list("pk", "name"))
    answers: dict[int, dict[str, Any]] = {}
    for model in (Answer, PrivateAnswer):
        # Background answers never reach the engine: the consent text promises they are used
        # for anonymous fairness figures only (``BACKGROUND_CONSENT``).
        for enrolment_id, kind, key, value in (
            model.objects.filter(enrolment__in=enrolments)
            .exclude(question__kind=QuestionKind.BACKGROUND)
            .values_list("enrolment_id", "question__kind", "question__key", "value")
        ):
            answers.setdefault(enrolment_id, {})[FIELD_OF_KIND.get(kind, f"custom:{key}")] = value
    people = [e.person for e in enrolments]
    chains = manager_chains(people)
    history = past_partners(program, {p.pk for p in people})
    records = []
    for enrolment in enrolments:
        person = enrolment.person
        given = answers.get(enrolment.pk, {})

        def skills(field: str, given: dict[str, Any] = given) -> tuple[str, ...]:
            return tuple(skill_names[s] for s in given.get(field) or [] if s in skill_names)

        department = given.get("department")
        records.append(
            Participant(
                id=str(person.pk),
                name=person.user.name,
                email=person.user.email,
                department=department_names.get(department, "")
                if department
                else (person.department.name if person.department else ""),
                manager_id=str(person.manager_id or ""),
                manager_chain=chains.get(person.pk, ()),
                level=given.get("level") or person.level,
                timezone=given.get("timezone") or person.timezone,
                working_hours=(person.work_start, person.work_end),
                languages=tuple(
                    language_name(c) for c in given.get("languages") or person.languages
                ),
                skills_offered=skills("skills_offered"),
                skills_wanted=skills("skills_wanted"),
                goals=str(given.get("goals") or ""),
                availability=availability(given.get("availability") or []),
                interests=skills("interests"),
                preferred=tuple(str(p) for p in given.get("preferred") or []),
                avoid=tuple(str(p) for p in given.get("avoid") or []),
                past_partners=tuple(history.get(person.pk, [])),
                capacity=(capacity or {}).get(person.pk, enrolment.capacity),
                role=enrolment.role
                if program.kind in (ProgramKind.MENTOR_MENTEE, ProgramKind.ONBOARDING_BUDDY)
                else "",
                hire_date=person.hire_date,
                custom={
                    k.split(":", 1)[1]: _categorical(v)
                    for k, v in given.items()
                    if k.startswith("custom:")
                },
            )
        )
    return records


def _categorical(value: Any) -> str:
    if isinstance(value, list):
        return ";".join(sorted(str(v) for v in value))
    return "" if value is None else str(value)


# --- default criteria --------------------------------------------------------------------------


def _criterion(field: str, rule: str, weight: float, **extra: Any) -> dict[str, Any]:
    return {"field": field, "rule": rule, "weight": weight, **extra}


def default_config(program: Program) -> dict[str, Any]:
    """Sensible criteria for the program's kind, using only what its questionnaire asks."""
    keys = set(program.questions.values_list("kind", flat=True))
    has_skills = {QuestionKind.SKILLS_OFFERED, QuestionKind.SKILLS_WANTED} & keys
    kind = program.kind
    criteria: list[dict[str, Any]] = []
    if has_skills:
        criteria.append(
            _criterion("skills", "complementary", 5 if kind != ProgramKind.CIRCLES else 3)
        )
    if kind in (ProgramKind.PEER_PAIRS, ProgramKind.CIRCLES):
        criteria.append(_criterion("level", "close", 2, max_difference=2, must_have=True))
    criteria.append(
        _criterion(
            "timezone", "overlap", 3 if kind != ProgramKind.PEER_PAIRS else 2, min_overlap_hours=2
        )
    )
    criteria.append(_criterion("languages", "overlap", 1, must_have=True))
    if kind == ProgramKind.ONBOARDING_BUDDY:
        criteria.append(_criterion("department", "same", 2))
    else:
        criteria.append(
            _criterion("department", "different", 1 if kind != ProgramKind.COFFEE_ROTATION else 2)
        )
    if QuestionKind.GOALS in keys:
        criteria.append(
            _criterion("goals", "similar_text", 1 if kind != ProgramKind.CIRCLES else 2)
        )
    if QuestionKind.AVAILABILITY in keys:
        criteria.append(_criterion("availability", "overlap", 1))
    if QuestionKind.INTERESTS in keys:
        criteria.append(_criterion("interests", "overlap", 1))
    return {
        "kind": kind,
        "criteria": criteria,
        "constraints": constraints_for(program),
    }


def constraints_for(program: Program, **overrides: Any) -> dict[str, Any]:
    base = Constraints()
    values: dict[str, Any] = {
        "exclude_same_manager": base.exclude_same_manager,
        "exclude_reporting_line": base.exclude_reporting_line,
        "respect_avoid_lists": True,
        "avoid_repeat_pairs": True,
        "allow_trio": program.allow_trio if program.kind == ProgramKind.PEER_PAIRS else False,
        "group_size": program.group_size,
        "new_hire_days": program.hired_within_days or 90,
    }
    if program.kind == ProgramKind.COFFEE_ROTATION:
        values["repeat_cooldown_rounds"] = program.repeat_cooldown_rounds
    values.update(overrides)
    return values

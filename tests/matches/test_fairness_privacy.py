"""Issue 17: the fairness view hides small groups and cannot be differenced across runs."""

from __future__ import annotations

from tandem.matches.selectors import fairness
from tests.factories import DepartmentFactory
from tests.matches.conftest import enrolled, run_now
from tests.privacy.attacker import pinned_small_groups


def test_small_departments_are_hidden_and_cannot_be_worked_out(coordinator, program_factory):
    program = program_factory(25)  # five departments of five, four levels
    solo = enrolled(program)[0]
    solo.department = DepartmentFactory(name="Solo")
    solo.save(update_fields=["department"])
    run = run_now(coordinator, program)
    tables = fairness(run)
    rows = {row.group: row for row in tables["Department"]}
    assert rows["Solo"].people is None and rows["Solo"].matched is None
    shown = [
        {"department": row.group} for row in tables["Department"] if row.people is not None
    ] + [{"level": row.group} for row in tables["Career level"] if row.people is not None]
    people = [
        (p.department.name, f"Level {p.level}")
        for p in (e.person for e in program.enrolments.all())
    ]
    assert shown and pinned_small_groups(people, ("department", "level"), [{}, *shown], 5) == []


def test_background_groups_are_shown_for_the_first_run_only(coordinator, program_factory):
    program = program_factory(6)
    first = run_now(coordinator, program)
    second = run_now(coordinator, program)
    background = "Background (self-described, groups of 5 or more)"
    assert fairness(first)[background] is not None
    assert fairness(second)[background] is None

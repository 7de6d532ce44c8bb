"""The differencing attacks of issue 17, run through the KPI API and the exports.

The attacker is a coordinator: they can read everyone's department and level in the directory,
open the dashboard, its CSV export and the KPI API with every filter, and subtract. Every view
that answers adds one equation per figure; ``pinned_small_groups`` solves the system.
"""

from __future__ import annotations

import random

import pytest

from tests.conftest import client_for
from tests.factories import DepartmentFactory, EnrolmentFactory, PersonFactory, ProgramFactory
from tests.privacy.attacker import every_selection, pinned_small_groups

DIMS = ("department", "level")


def build(coordinator, layout: list[tuple[int | None, int | None]], departments):
    program = ProgramFactory(status="active", coordinators=[coordinator])
    for dept, level in layout:
        person = PersonFactory(
            department=departments[dept] if dept is not None else None, level=level
        )
        EnrolmentFactory(program=program, person=person)
    return program


def open_every_view(client, program, departments, levels, url_for):
    """Ask for every filter combination; return the selections that answered and their KPIs."""
    opened = []
    values = {"department": sorted(departments), "level": sorted(levels)}
    for selection in every_selection(DIMS, values):
        response = client.get(url_for(program), query(selection, departments))
        assert response.status_code in (200, 409), response.content
        if response.status_code == 200:
            opened.append(selection)
    return opened


def query(selection, departments):
    params = {}
    if "department" in selection:
        params["department_id"] = departments[selection["department"]].pk
    if "level" in selection:
        params["level"] = selection["level"]
    return params


def api_url(program):
    return f"/api/programs/{program.pk}/kpis"


def csv_url(program):
    return f"/insights/programs/{program.pk}/export.csv"


def csv_query(selection, departments):
    params = query(selection, departments)
    if "department_id" in params:
        params["department"] = params.pop("department_id")
    return params


@pytest.mark.parametrize("url_for", [api_url, csv_url], ids=["api", "export"])
def test_the_level_eight_pair_cannot_be_subtracted_from_the_program(coordinator, url_for):
    departments = {1: DepartmentFactory(name="Ops"), 2: DepartmentFactory(name="Lab")}
    layout = [(d, level) for level in range(1, 8) for d in (1, 2) for _ in range(3)]
    layout += [(1, 8), (2, 8)]
    program = build(coordinator, layout, departments)
    client = client_for(coordinator)
    ask = query if url_for is api_url else csv_query
    opened = []
    for selection in every_selection(DIMS, {"department": [1, 2], "level": list(range(1, 9))}):
        response = client.get(url_for(program), ask(selection, departments))
        assert response.status_code in (200, 409)
        if response.status_code == 200:
            opened.append(selection)
    assert {} in opened and {"level": 8} not in opened
    assert pinned_small_groups(layout, DIMS, opened, 5) == []


def test_random_organisations_through_the_api(coordinator):
    """Four random organisations; every filter the API accepts; nothing small pinned down."""
    rng = random.Random(17)
    departments = {i: DepartmentFactory(name=f"Unit {i}") for i in (1, 2, 3)}
    client = client_for(coordinator)
    for _ in range(4):
        levels = list(range(1, rng.randint(2, 4) + 1))
        layout = [
            (rng.choice([1, 2, 3, None]), rng.choice([*levels, None]))
            for _ in range(rng.randint(8, 26))
        ]
        program = build(coordinator, layout, departments)
        opened = open_every_view(client, program, departments, levels, api_url)
        assert pinned_small_groups(layout, DIMS, opened, 5) == []

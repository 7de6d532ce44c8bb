"""Issue 17: comparing dashboards across days.

The attacker is a coordinator who saves the dashboard, the KPI API (with every filter) and the
CSV export every day. Everything on them that aggregates anonymous or private answers — survey
scores and NPS (the dashboard's survey panel, report and PDF), "would do it again" and "would
recommend their partner" from the pairs' private closing summaries — must change only in steps
of at least k new contributors, so two snapshots never isolate fewer than k people. Counts of
things a coordinator sees by name anyway (enrolments, matches, who has answered) are not in
scope.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

import pytest
from django.utils import timezone

from tandem.feedback import selectors
from tandem.feedback.models import Response
from tandem.feedback.services.answers import response_submit
from tandem.feedback.services.stages import survey_transition
from tandem.insights.kpis import K_MIN
from tandem.relationships.models import ClosingSummary, Membership
from tests.conftest import client_for
from tests.feedback.conftest import answers_for, invited_people, open_survey, started_program

ANONYMOUS = {"would_do_again", "would_recommend_partner"}


@pytest.fixture
def program(coordinator):
    return started_program(coordinator, 12)  # six pairs, matched twenty days ago


def kpi_snapshot(client, program) -> dict[str, tuple]:
    """Every view of the KPI API that answers: its figures from private answers."""
    members = [
        m.person
        for m in Membership.objects.filter(relationship__program=program).select_related("person")
    ]
    views = [{}]
    views += [{"department_id": d} for d in sorted({p.department_id for p in members})]
    views += [{"level": level} for level in sorted({p.level for p in members if p.level})]
    seen = {}
    for params in views:
        response = client.get(f"/api/programs/{program.pk}/kpis", params)
        assert response.status_code in (200, 409)
        if response.status_code == 200:
            for kpi in response.json()["kpis"]:
                if kpi["key"] in ANONYMOUS:
                    seen[(tuple(params.items()), kpi["key"])] = (kpi["value"], kpi["n"])
    return seen


def csv_snapshot(client, program) -> list[list[str]]:
    body = client.get(f"/insights/programs/{program.pk}/export.csv").content.decode("utf-8-sig")
    return [line for line in body.splitlines() if "closing summaries" in line]


def test_closing_summary_figures_move_only_in_steps_of_k(program, coordinator):
    client = client_for(coordinator)
    memberships = list(
        Membership.objects.filter(relationship__program=program).order_by("pk")[: 3 * K_MIN]
    )
    start = timezone.now() - timedelta(days=30)
    snapshots = [(0, kpi_snapshot(client, program), csv_snapshot(client, program))]
    for i, membership in enumerate(memberships):
        ClosingSummary.objects.create(
            membership=membership,
            achieved="a",
            learned="b",
            would_recommend_partner=i % 3 != 0,
            would_do_again=i % 2 == 0,
            created_at=start + timedelta(days=i),
        )
        snapshots.append((i + 1, kpi_snapshot(client, program), csv_snapshot(client, program)))
    changes = 0
    for (n_before, api_before, csv_before), (n_after, api_after, csv_after) in pairwise(snapshots):
        if api_before != api_after or csv_before != csv_after:
            changes += 1
            # one summary more, and the figures move only when a whole step of k is released
            assert n_after % K_MIN == 0, (n_before, api_before, api_after)
            released_before = {v[1] for v in api_before.values()} or {0}
            released_after = {v[1] for v in api_after.values()}
            assert min(released_after) - max(released_before) >= K_MIN
    assert changes >= 2  # the figures do appear (and the test can fail)
    # filtered views never show them: one new summary in a department would move them by one
    final = snapshots[-1][1]
    assert all(value is None for (params, _), (value, _) in final.items() if params)
    assert any(value is not None for (params, _), (value, _) in final.items() if not params)


def panel(program) -> list[tuple[str, str]]:
    """The dashboard's survey panel without its response-rate line (a count of who answered,
    which says nothing about what)."""
    lines = selectors.program_survey_kpis(program).lines()
    return [line for line in lines if not line[0].startswith("Answered the latest survey")]


def test_survey_scores_on_the_dashboard_move_only_by_released_batches(program, coordinator):
    survey = open_survey(coordinator, program, "end_of_program")
    client = client_for(coordinator)
    page_url = f"/insights/programs/{program.pk}/"
    snapshots = [(0, panel(program), client.get(page_url).text)]
    for i, person in enumerate(invited_people(survey)):
        response_submit(
            actor=person.user, survey=survey, answers=answers_for(survey, person, score=1 + i % 5)
        )
        released = Response.objects.filter(survey=survey, released=True).count()
        snapshots.append((released, panel(program), client.get(page_url).text))
    survey_transition(actor=coordinator, survey=survey, to="closed")
    released = Response.objects.filter(survey=survey, released=True).count()
    snapshots.append((released, panel(program), client.get(page_url).text))

    changes = 0
    for (before_n, before, _), (after_n, after, _) in pairwise(snapshots):
        if before != after:
            changes += 1
            assert after_n - before_n >= survey.k_scores, (before, after)
        else:
            assert after_n in (before_n, before_n + survey.k_scores)
    assert changes == 2  # two batches of five; the last two answers are never released
    # the page shows the same figures as the panel: what moved there moved nowhere else
    for _, lines, page in snapshots:
        for _label, value in lines:
            assert value in page

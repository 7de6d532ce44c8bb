"""KPIs on a hand-built program: each value equals what a person computes with pen and paper."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.utils import timezone
from pypdf import PdfReader

from tandem.insights import kpis
from tandem.people.models import Department
from tandem.programs.models import Enrolment, Program
from tandem.relationships.models import (
    ClosingSummary,
    LoggedTopic,
    MeetingLog,
    Membership,
    Relationship,
)
from tandem.relationships.services.health import recount
from tests.conftest import client_for
from tests.factories import (
    DepartmentFactory,
    EnrolmentFactory,
    GoalFactory,
    MeetingFactory,
    PersonFactory,
    ProgramFactory,
    RelationshipFactory,
)

NOW = timezone.now()


def day(n: float):
    return NOW - timedelta(days=40) + timedelta(days=n)


@pytest.fixture
def world(coordinator):
    """Six people enrolled on day 0 (biweekly program, activated matches on day 10):

    * A (Sales) + B (Tech): accepted; held meetings on days 12 and 26, one missed on day 38;
      topics A×2, B×2; goals: A done, B dropped.
    * C (Sales) + D (Sales): C accepted, D declined → declined match.
    * E (Tech) + F (Tech): accepted; no meetings; goal: E active.
    """
    program = ProgramFactory(
        name="Hand built", status="active", cadence="biweekly", coordinators=[coordinator]
    )
    sales, tech = DepartmentFactory(name="Sales X"), DepartmentFactory(name="Tech X")
    people = {
        name: PersonFactory(user__email=f"{name.lower()}@hand.test", department=dept)
        for name, dept in (
            ("A", sales),
            ("B", tech),
            ("C", sales),
            ("D", sales),
            ("E", tech),
            ("F", tech),
        )
    }
    for person in people.values():
        EnrolmentFactory(program=program, person=person, accepted_guidelines_at=day(0))

    def pair(first, second, status):
        relationship = RelationshipFactory(
            program=program,
            status=status,
            created_at=day(10),
            members=[people[first], people[second]],
            members__accepted_at=day(11),
            members__respond_by=day(15).date(),
        )
        Enrolment.objects.filter(
            program=program, person__in=[people[first], people[second]]
        ).update(first_matched_at=day(10))  # what publishing a match records
        return relationship

    ab = pair("A", "B", "active")
    cd = pair("C", "D", "declined")
    cd.members.filter(person=people["D"]).update(accepted_at=None, declined_at=day(12))
    ef = pair("E", "F", "active")
    for n, (when, status) in enumerate(((12, "held"), (26, "held"), (38, "missed"))):
        meeting = MeetingFactory(
            relationship=ab, starts_at=day(when), status=status, organiser=people["A"]
        )
        if status == "held":
            log = MeetingLog.objects.create(meeting=meeting, author=people["A"])
            LoggedTopic.objects.create(
                log=log, title="t", brought_by=people["A" if n == 0 else "B"]
            )
    for owner, relationship, status in (
        ("A", ab, "done"),
        ("B", ab, "dropped"),
        ("E", ef, "active"),
    ):
        GoalFactory(
            relationship=relationship,
            owner=people[owner],
            target_date=day(90).date(),
            status=status,
        )
    for relationship in Relationship.objects.filter(program=program):
        recount(relationship)  # what the services do on every meeting change
    return program, people


def value(board, key):
    return board.kpi(key).value


def test_each_kpi_equals_the_hand_computed_value(world):
    program, _ = world
    board = kpis.dashboard(program, now=NOW)
    assert value(board, "enrolled") == 6
    assert value(board, "match_rate") == 6 / 6  # everyone was in a published match
    assert value(board, "time_to_match") == pytest.approx(10)
    assert value(board, "acceptance_rate") == pytest.approx(5 / 6)  # 5 accepted of 6 answers
    assert value(board, "time_to_first_meeting") == pytest.approx(
        2
    )  # only A+B met: day 12 − day 10
    assert value(board, "meetings_per_relationship") == pytest.approx(
        1.0
    )  # (2 + 0) / 2 matches that ran
    # expected meetings: 30 days old / 14 = 2 for both; A+B held 2 → 1.0, E+F held 0 → 0.0
    assert value(board, "cadence_adherence") == pytest.approx(0.5)
    assert value(board, "mentor_engagement") == pytest.approx(
        2 / 4
    )  # A and B met in the last 60 days
    assert value(board, "goal_completion") == pytest.approx(1 / 3)
    assert value(board, "goals_set") == pytest.approx(2 / 3)  # A+B and E+F of three matches
    assert value(board, "cross_department") == pytest.approx(1 / 2)  # A+B cross; E+F do not
    assert value(board, "reciprocity") == pytest.approx(1.0)  # A+B brought one topic each
    assert value(board, "would_do_again") is None  # fewer than 5 closing summaries
    assert value(board, "retention_183") is None  # nobody enrolled six months ago
    assert [p.value for p in board.meetings_histogram][:3] == [1, 0, 1]
    assert [(p.label, p.value) for p in board.goals] == [
        ("In progress", 1),
        ("Done", 1),
        ("Dropped", 1),
    ]


def test_closing_summaries_show_from_five(world):
    program, _people = world
    memberships = list(Membership.objects.filter(relationship__program=program))[:5]
    for index, membership in enumerate(memberships):
        ClosingSummary.objects.create(
            membership=membership,
            achieved="a",
            learned="b",
            would_recommend_partner=index < 4,
            would_do_again=index < 3,
        )
    board = kpis.dashboard(program, now=NOW)
    assert value(board, "would_do_again") == pytest.approx(3 / 5)
    assert value(board, "would_recommend_partner") == pytest.approx(4 / 5)


def test_retention_against_comparable_colleagues(world):
    program, people = world
    Enrolment.objects.filter(program=program).update(created_at=NOW - timedelta(days=400))
    left = people["A"]
    left.left_on, left.status = (NOW - timedelta(days=300)).date(), "left"
    left.save()
    sales = Department.objects.get(name="Sales X")
    for index in range(4):  # non-participants in Sales at level 3; one of them left early
        PersonFactory(
            user__email=f"np{index}@hand.test",
            department=sales,
            level=3,
            left_on=(NOW - timedelta(days=350)).date() if index == 0 else None,
        )
    board = kpis.dashboard(program, now=NOW)
    assert value(board, "retention_183") == pytest.approx(5 / 6)
    # Sales level 3 is the only stratum with non-participants: 3 of 4 stayed past day 183
    assert "vs. 75% of comparable colleagues" in board.kpi("retention_183").detail


def test_filters_that_isolate_a_small_group_are_refused(world):
    program, _ = world
    sales = Department.objects.get(name="Sales X")
    board = kpis.dashboard(program, kpis.Filters(department_id=sales.pk), now=NOW)
    assert board.refused.startswith("This filter is not available")
    assert "fewer than 5 participants" in board.refused
    assert board.kpis == []
    PersonFactory.create_batch(3)  # others in the company do not change a program's population
    everyone_but_one = kpis.dashboard(program, kpis.Filters(level=3), now=NOW)
    assert everyone_but_one.refused == ""  # all six are level 3: nobody is left out
    unfiltered = kpis.dashboard(program, now=NOW)
    assert [(k.key, k.value, k.n) for k in everyone_but_one.kpis] == [
        (k.key, k.value, k.n) for k in unfiltered.kpis
    ]  # the filtered path (an id array on PostgreSQL) finds the same matches


def test_export_neutralises_formulas(world, coordinator):
    program, _ = world
    Program.objects.filter(pk=program.pk).update(
        name='=HYPERLINK("http://evil","x")', cohort="+cmd|' /C calc'!A0"
    )
    client = client_for(coordinator)
    body = client.get(f"/insights/programs/{program.pk}/export.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    program_row = next(r for r in rows if r and r[0] == "Program")
    assert program_row[2] == '\'=HYPERLINK("http://evil","x")' and program_row[3].startswith(
        "'+cmd"
    )
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/insights/programs/{program.pk}/export.xlsx").content)
    )
    cells = [c for row in workbook["KPIs"].iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert any(c.value == '\'=HYPERLINK("http://evil","x")' for c in cells)


def test_report_and_pdf(world, coordinator):
    program, _ = world
    client = client_for(coordinator)
    page = client.get(f"/insights/programs/{program.pk}/report/").content.decode()
    assert "Match rate" in page and "<svg" in page
    pdf = client.get(f"/insights/programs/{program.pk}/report.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    text = " ".join(text.split())
    board = kpis.dashboard(program)
    assert len(board.kpis) >= 10
    missing = [k.label for k in board.kpis if " ".join(k.label.split()) not in text]
    assert not missing, f"in the HTML report but not in the PDF: {missing}"


def test_xlsx_shows_fractions_as_the_dashboard_does(world, coordinator):
    program, _ = world
    client = client_for(coordinator)
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/insights/programs/{program.pk}/export.xlsx").content)
    )
    rows = {row[0].value: row[1] for row in workbook["KPIs"].iter_rows(min_row=2)}
    match_rate = rows["Match rate"]
    assert isinstance(match_rate.value, int | float) and 0 <= match_rate.value <= 1
    assert match_rate.number_format == "0%"
    percents = [c for c in rows.values() if c.number_format == "0%"]
    assert len(percents) >= 4
    body = client.get(f"/insights/programs/{program.pk}/export.csv").content.decode("utf-8-sig")
    value = next(r for r in csv.reader(io.StringIO(body)) if r and r[0] == "Match rate")[1]
    assert len(value.partition(".")[2]) <= 4


def test_dashboard_query_count_does_not_grow_with_the_program(
    world, coordinator, django_assert_max_num_queries
):
    program, _people = world
    client = client_for(coordinator)
    client.get(f"/insights/programs/{program.pk}/")  # warm up (session, content types)
    with django_assert_max_num_queries(40) as small:
        client.get(f"/insights/programs/{program.pk}/")
    for _ in range(20):
        relationship = RelationshipFactory(program=program, created_at=day(10))
        MeetingFactory(relationship=relationship, starts_at=day(12), status="held")
        recount(relationship)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(f"/insights/programs/{program.pk}/")


def test_organisation_view_query_count(world, admin, django_assert_max_num_queries):
    client = client_for(admin)
    client.get("/insights/")
    with django_assert_max_num_queries(20):
        response = client.get("/insights/")
    assert "Hand built" in response.content.decode()


def test_kpi_api_applies_the_same_thresholds(world, coordinator):
    program, _ = world
    client = client_for(coordinator)
    ok = client.get(f"/api/programs/{program.pk}/kpis").json()
    assert {k["key"] for k in ok["kpis"]} >= {"match_rate", "goal_completion"}
    sales = Department.objects.get(name="Sales X")
    refused = client.get(f"/api/programs/{program.pk}/kpis", {"department_id": sales.pk})
    assert refused.status_code == 409 and "fewer than 5" in refused.json()["detail"]


def test_publishing_a_run_feeds_match_rate_wait_and_department_mix(coordinator):
    from tandem.matches.services.publish import run_publish
    from tandem.matches.services.runs import run_create
    from tandem.matches.solving import run_execute
    from tandem.relationships.services.answers import membership_accept
    from tests.matches.conftest import matching_program

    program = matching_program(coordinator, 10)
    Enrolment.objects.filter(program=program).update(created_at=timezone.now() - timedelta(days=3))
    run = run_create(actor=coordinator, program=program)
    run_execute(run.pk)
    run.refresh_from_db()
    relationships = run_publish(actor=coordinator, run=run)
    board = kpis.dashboard(program)
    assert value(board, "match_rate") == 1.0
    assert value(board, "time_to_match") == pytest.approx(3, abs=0.01)
    crossing = sum(
        len(set(r.members.values_list("person__department_id", flat=True))) > 1
        for r in relationships
    )
    for relationship in relationships:
        for membership in relationship.members.select_related("person__user"):
            membership_accept(actor=membership.person.user, membership=membership)
    board = kpis.dashboard(program)
    assert value(board, "cross_department") == pytest.approx(crossing / len(relationships))

"""Cohort import: people enrolled with the answers they already gave, checked by the enrolment
form's own rules, all or nothing — from the browser, the API and the CLI."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from tandem.audit.models import AuditEntry
from tandem.core.errors import ApplicationError
from tandem.notify.models import OutboxMessage
from tandem.programs.models import Answer, Enrolment, ProgramStatus
from tandem.programs.services.cohort import CohortRejected, cohort_import
from tandem.programs.services.stages import program_transition
from tests.conftest import client_for
from tests.factories import DepartmentFactory, PersonFactory, SkillFactory, make_program

pytestmark = pytest.mark.django_db

HEADER = (
    "Email,Name,What can you help others with?,skills_wanted,Goals,Level,Department,"
    "Time zone,Languages,Capacity\n"
)


@pytest.fixture
def world(coordinator):
    for name in ("SQL", "Public speaking", "Negotiation"):
        SkillFactory(name=name)
    sales = DepartmentFactory(name="Sales")
    people = [
        PersonFactory(user__email=f"{n}@acme.test", user__name=n.title(), department=sales)
        for n in ("ana", "bo", "cy")
    ]
    program = make_program(coordinator, name="Sales peers", capacity_cap=2)
    return program, people


GOOD = HEADER + (
    "ana@acme.test,Ana,SQL; Negotiation,Public speaking,Lead a pitch,4,Sales,Europe/Berlin,"
    "English; German,2\n"
    "BO@acme.test ,Bo,Public speaking,SQL,Own a report,3,sales,europe/berlin,en,\n"
    "cy@acme.test,Cy,Negotiation,SQL,Grow,5,Sales,America/New_York,English,1\n"
)


def run(program, actor, text, **kwargs):
    return cohort_import(
        actor=actor, program=program, data=text.encode(), file_name="cohort.csv", **kwargs
    )


def test_a_clean_file_enrols_everyone_with_their_answers(world, coordinator):
    program, (ana, bo, cy) = world
    dry = run(program, coordinator, GOOD, dry_run=True)
    assert len(dry.to_enrol) == 3 and not Enrolment.objects.exists()

    run(program, coordinator, GOOD)
    enrolments = {e.person_id: e for e in Enrolment.objects.filter(program=program)}
    assert set(enrolments) == {ana.pk, bo.pk, cy.pk}
    assert all(
        e.source == "import" and e.accepted_guidelines_at is None for e in enrolments.values()
    )
    assert enrolments[ana.pk].capacity == 2 and enrolments[bo.pk].capacity == 1
    answers = {
        a.question.key: a.value
        for a in Answer.objects.filter(enrolment=enrolments[ana.pk]).select_related("question")
    }
    assert answers["level"] == 4 and answers["languages"] == ["en", "de"]
    assert answers["goals"] == "Lead a pitch" and len(answers["skills_offered"]) == 2
    assert OutboxMessage.objects.filter(kind="enrolment_confirmed").count() == 3
    entry = AuditEntry.objects.get(action="enrolment.cohort_imported")
    assert entry.data["enrol"] == 3


def test_every_problem_is_listed_by_row_and_column_and_nothing_is_written(world, coordinator):
    program, _ = world
    bad = HEADER + (
        "ana@acme.test,Ana,SQL,Cooking,Grow,12,Sales,Europe/Berlin,English,\n"
        "nobody@acme.test,No,SQL,SQL,Grow,3,Sales,Europe/Berlin,English,\n"
        "ana@acme.test,Ana again,SQL,SQL,Grow,3,Sales,Europe/Berlin,English,\n"
        "bo@acme.test,Bo,SQL,SQL,,3,Marketing,Mars/Base,Gibberish,7\n"
    )
    with pytest.raises(CohortRejected) as rejected:
        run(program, coordinator, bad)
    found = {(e.row, e.column, e.message) for e in rejected.value.plan.errors}
    assert (2, "skills_wanted", "“Cooking” is not a skill in the directory's vocabulary") in found
    assert any(r == 2 and c == "Level" for r, c, _ in found)
    assert (3, "Email", "nobody with this email is in the directory (or they have left)") in found
    assert (4, "Email", "this person is already on row 2") in found
    assert (5, "Department", "“Marketing” is not a department in the directory") in found
    assert (5, "Capacity", "must be between 1 and 2 (the program's cap)") in found
    assert any(r == 5 and c == "Time zone" for r, c, _ in found)
    assert any(r == 5 and c == "Languages" for r, c, _ in found)
    assert not Enrolment.objects.exists() and not OutboxMessage.objects.exists()


def test_a_missing_required_column_and_private_columns_are_refused(world, coordinator):
    program, _ = world
    no_department = (
        "Email,What can you help others with?,skills_wanted,Goals,Level,Time zone,Languages,"
        "background\n"
        "ana@acme.test,SQL,SQL,Grow,3,Europe/Berlin,English,Immigrant\n"
    )
    with pytest.raises(CohortRejected) as rejected:
        run(program, coordinator, no_department)
    messages = [e.message for e in rejected.value.plan.errors]
    assert any("private answers" in m for m in messages)
    no_background = no_department.replace(",background", "").replace(",Immigrant", "")
    with pytest.raises(CohortRejected) as rejected:
        run(program, coordinator, no_background)
    assert [e.message for e in rejected.value.plan.errors] == [
        "“Your department”: Please answer this question (the file has no column for it)"
    ]
    with pytest.raises(CohortRejected, match="1 problem"):
        run(program, coordinator, "Name,Level\nAna,3\n")


def test_people_already_enrolled_keep_their_own_answers(world, coordinator):
    program, _ = world
    run(program, coordinator, HEADER + GOOD.splitlines()[1] + "\n")
    again = run(program, coordinator, GOOD)
    assert [r.email for r in again.kept] == ["ana@acme.test"]
    assert len(again.to_enrol) == 2


def test_only_the_programs_coordinators_and_only_before_matching_is_done(world, coordinator):
    program, (ana, _, _) = world
    with pytest.raises(ApplicationError):
        run(program, ana.user, GOOD)
    program.status = ProgramStatus.ACTIVE
    program.save()
    with pytest.raises(ApplicationError, match="until matching is done"):
        run(program, coordinator, GOOD)


def test_the_browser_flow_upload_preview_enrol_then_start_matching(world, coordinator):
    program, _ = world
    client = client_for(coordinator)
    upload = client.post(
        reverse("programs:cohort_upload", args=[program.pk]),
        {"file": SimpleUploadedFile("cohort.csv", GOOD.encode())},
    )
    assert upload.status_code == 302
    preview = client.get(upload["Location"]).content.decode()
    assert "Enrol 3 people" in preview and "no problems found" in preview
    assert not Enrolment.objects.exists()
    done = client.post(upload["Location"])
    assert done.status_code == 302 and Enrolment.objects.count() == 3

    stage = client.get(reverse("programs:stage", args=[program.pk, "matching"])).content.decode()
    assert "Matching starts with the 3 people you brought in" in stage
    program = program_transition(actor=coordinator, program=program, to=ProgramStatus.MATCHING)
    assert program.status == ProgramStatus.MATCHING
    assert not OutboxMessage.objects.filter(kind="program_invitation").exists()


def test_a_bad_file_shows_its_problems_in_the_browser(world, coordinator):
    program, _ = world
    client = client_for(coordinator)
    bad = GOOD.replace("Sales,America", "Nowhere,America")
    upload = client.post(
        reverse("programs:cohort_upload", args=[program.pk]),
        {"file": SimpleUploadedFile("cohort.csv", bad.encode())},
    )
    page = client.get(upload["Location"]).content.decode()
    assert "1 problem to fix" in page and "“Nowhere” is not a department" in page
    assert "nobody will be enrolled" in page
    assert client.post(upload["Location"]).status_code == 200
    assert not Enrolment.objects.exists()
    empty = client.post(
        reverse("programs:cohort_upload", args=[program.pk]),
        {"file": SimpleUploadedFile("cohort.csv", b"")},
    )
    assert empty.status_code == 200 and "The submitted file is empty." in empty.content.decode()


def test_xlsx_through_the_api_and_the_cli(world, coordinator, tmp_path):
    program, _ = world
    book = openpyxl.Workbook()
    sheet = book.active
    for line in GOOD.splitlines():
        sheet.append([int(c) if c.isdigit() else c for c in line.split(",")])
    buffer = io.BytesIO()
    book.save(buffer)
    client = client_for(coordinator)
    url = f"/api/programs/{program.pk}/enrolments/import"
    dry = client.post(
        url, {"file": SimpleUploadedFile("cohort.xlsx", buffer.getvalue()), "dry_run": "true"}
    )
    assert dry.status_code == 200, dry.content
    assert dry.json()["applied"] is False and len(dry.json()["enrolled"]) == 3
    assert dry.json()["ignored_columns"] == ["Name"]

    bad = client.post(
        url, {"file": SimpleUploadedFile("c.csv", GOOD.replace(",4,", ",99,").encode())}
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["row"] == 2 and bad.json()["errors"][0]["field"] == "Level"

    path = tmp_path / "cohort.csv"
    path.write_text(GOOD.replace("cy@acme.test", "zed@acme.test"))
    with pytest.raises(CommandError, match="1 problem"):
        call_command(
            "import_enrolments", str(path), "--program", program.pk, "--as", coordinator.email
        )
    path.write_text(GOOD)
    out = io.StringIO()
    call_command(
        "import_enrolments",
        str(path),
        "--program",
        program.pk,
        "--as",
        coordinator.email,
        stdout=out,
    )
    assert "enrolled 3 people in Sales peers" in out.getvalue()
    assert Enrolment.objects.count() == 3

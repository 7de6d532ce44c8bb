"""Matches made elsewhere — `tandem match`'s output or any sheet of groups — loaded into a program
as a run to review and publish; a wrong file is refused row by row and writes nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.core.errors import ApplicationError
from tandem.matches.models import MatchRun, RunStatus
from tandem.matches.services.imported import run_import_pairs
from tandem.matches.services.publish import run_publish
from tandem.matching.cli import main as tandem_match
from tandem.programs.models import Enrolment, EnrolmentStatus
from tandem.relationships.models import Relationship
from tests.conftest import client_for
from tests.matches.conftest import audited, enrolled

pytestmark = pytest.mark.django_db

CONFIG = """\
kind = "peer_pairs"
[[criteria]]
field = "department"
rule = "different"
weight = 1
"""


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def test_the_output_of_tandem_match_loads_as_a_run_and_publishes(
    coordinator, program_factory, tmp_path: Path
):
    program = program_factory(9)
    people = enrolled(program)
    sheet = tmp_path / "people.csv"
    sheet.write_text(
        "email,name,department\n"
        + "".join(f"{p.user.email},{p.user.name},D{i % 3}\n" for i, p in enumerate(people))
    )
    (tmp_path / "criteria.toml").write_text(CONFIG)
    out = tmp_path / "matches.csv"
    code = tandem_match(
        [str(sheet), "--config", str(tmp_path / "criteria.toml"), "--out", str(out)]
    )
    assert code == 0

    run = run_import_pairs(
        actor=coordinator, program=program, file_name="matches.csv", data=out.read_bytes()
    )
    assert run.status == RunStatus.DONE and run.label == "Loaded from matches.csv"
    proposals = list(run.proposals.prefetch_related("members"))
    assert len(proposals) == 4  # 9 people: four pairs, the odd one out is not in a group
    assert all(p.explanation and p.score >= 0 for p in proposals)
    assert run.unmatched.count() == 1
    assert "scored with this program's current criteria" in run.notes[0]
    assert audited("matching.run_imported") == 1

    page = client_for(coordinator).get(f"/matches/runs/{run.pk}/").content.decode()
    assert "Publish 4 matches" in page and "Loaded from matches.csv" in page
    assert len(run_publish(actor=coordinator, run=run)) == 4
    assert Relationship.objects.filter(program=program).count() == 4


def test_any_sheet_with_two_email_columns_and_no_header_row_works(coordinator, program_factory):
    program = program_factory(4)
    a, b, c, d = (p.user.email for p in enrolled(program))
    run = run_import_pairs(
        actor=coordinator,
        program=program,
        file_name="pairs.csv",
        data=_csv([[a.upper(), b], [f"Cleo <{c}>", d]]),
    )
    assert run.proposals.count() == 2 and run.unmatched.count() == 0


def test_every_problem_is_reported_with_its_row_and_nothing_is_written(
    coordinator, program_factory
):
    program = program_factory(6)
    emails = [p.user.email for p in enrolled(program)]
    Enrolment.objects.filter(program=program, person__user__email=emails[5]).update(
        status=EnrolmentStatus.WITHDRAWN
    )
    data = _csv(
        [
            ["Person A", "Person B"],
            [emails[0], emails[1]],
            [emails[1], emails[2]],  # emails[1] again
            [emails[3], "stranger@example.com"],
            [emails[4]],
            [emails[4], emails[5]],  # withdrew
        ]
    )
    with pytest.raises(ApplicationError) as refused:
        run_import_pairs(actor=coordinator, program=program, file_name="pairs.csv", data=data)
    by_row = {(e.row, e.message) for e in refused.value.errors}
    assert (3, f"{emails[1]} is already in the group of row 2.") in by_row
    assert (4, "stranger@example.com is not enrolled in this program.") in by_row
    assert (5, f"A group needs two people or more; this row names {emails[4]}.") in by_row
    assert (6, f"{emails[5]} is not taking part (withdrawn).") in by_row
    assert refused.value.message.startswith("Nothing was loaded: 4 problems")
    assert MatchRun.objects.filter(program=program).count() == 0


def test_mentoring_pairs_need_one_mentor_and_one_mentee(coordinator, program_factory):
    program = program_factory(4, kind="mentor_mentee")
    by_role: dict[str, list[str]] = {}
    for e in program.enrolments.select_related("person__user"):
        by_role.setdefault(e.role, []).append(e.person.user.email)
    mentors, mentees = by_role.get("mentor", []), by_role.get("mentee", [])
    assert mentors and len(mentees) >= 2
    data = _csv([["mentor", "mentee"], [mentees[0], mentees[1]]])
    with pytest.raises(ApplicationError) as refused:
        run_import_pairs(actor=coordinator, program=program, file_name="pairs.csv", data=data)
    assert refused.value.errors[0].row == 2
    assert "one mentor and one mentee" in refused.value.errors[0].message
    ok = run_import_pairs(
        actor=coordinator,
        program=program,
        file_name="pairs.csv",
        data=_csv([["mentor", "mentee"], [mentors[0], mentees[0]]]),
    )
    roles = sorted(ok.proposals.get().members.values_list("role", flat=True))
    assert roles == ["mentee", "mentor"]


def test_the_page_lists_problems_by_row_and_loads_a_good_file(coordinator, program_factory):
    program = program_factory(4)
    a, b, c, d = (p.user.email for p in enrolled(program))
    client = client_for(coordinator)
    url = f"/matches/programs/{program.pk}/runs/import/"
    assert "Load matches made elsewhere" in client.get(url).content.decode()
    bad = SimpleUploadedFile("pairs.csv", _csv([["A", "B"], [a, "nobody@example.com"]]))
    page = client.post(url, {"file": bad}).content.decode()
    assert "Row 2: nobody@example.com is not enrolled in this program." in page
    empty = SimpleUploadedFile("pairs.csv", b"")
    assert "The submitted file is empty." in client.post(url, {"file": empty}).content.decode()
    good = SimpleUploadedFile("pairs.csv", _csv([["A", "B"], [a, b], [c, d]]))
    response = client.post(url, {"file": good})
    run = MatchRun.objects.get(program=program)
    assert response.status_code == 302 and response["Location"] == f"/matches/runs/{run.pk}/"


def test_the_command_line_loads_a_file_or_lists_its_problems(
    coordinator, program_factory, tmp_path: Path
):
    from django.core.management import CommandError, call_command

    program = program_factory(4)
    a, b, c, d = (p.user.email for p in enrolled(program))
    path = tmp_path / "pairs.csv"
    path.write_bytes(_csv([["A", "B"], [a, "nobody@example.com"]]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command(
            "load_matches",
            str(path),
            "--program",
            program.pk,
            "--as",
            coordinator.email,
            stderr=err,
        )
    assert "row 2: nobody@example.com is not enrolled in this program." in err.getvalue()
    path.write_bytes(_csv([["A", "B"], [a, b], [c, d]]))
    out = io.StringIO()
    call_command(
        "load_matches", str(path), "--program", program.pk, "--as", coordinator.email, stdout=out
    )
    run = MatchRun.objects.get(program=program)
    assert f"2 groups loaded into {program.name} as run #{run.pk} (0 people" in out.getvalue()


def test_the_api_loads_a_file_or_answers_422_with_rows(coordinator, program_factory):
    program = program_factory(4)
    a, b, c, d = (p.user.email for p in enrolled(program))
    client = client_for(coordinator)
    url = f"/api/programs/{program.pk}/runs/import"
    bad = client.post(url, {"file": SimpleUploadedFile("p.csv", _csv([["A", "B"], [a, a]]))})
    assert bad.status_code == 422, bad.content
    assert bad.json()["errors"][0]["row"] == 2
    good = client.post(url, {"file": SimpleUploadedFile("p.csv", _csv([[a, b], [c, d]]))})
    assert good.status_code == 201, good.content
    assert good.json()["status"] == "done" and good.json()["stats"]["groups"] == 2

"""HR import: every error names row, column and value, and nothing is written while any remains."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest
from django.contrib.sessions.models import Session

from tandem.accounts.models import ApiToken, User
from tandem.accounts.services import api_token_create
from tandem.audit.models import AuditEntry
from tandem.core.errors import ApplicationError
from tandem.people.models import Department, ImportBatch, Person, PersonStatus
from tandem.people.services import ImportRejected, import_people
from tests.factories import PersonFactory

HEADER = "Email,Full Name,Department,Manager Email,Job Level,Time Zone,Languages,Hire Date\n"
CLEAN = (
    HEADER
    # the report comes before the manager: managers are resolved in any row order
    + "bo@acme.test,Bo Berg,Sales,cy@acme.test,L3,Europe/Stockholm,Swedish; English,2021-03-01\n"
    + 'cy@acme.test,"Cy, the Boss",Sales,,7,America/New_York,"English, Spanish",2015-06-30\n'
    + "di@acme.test,Di Diaz,Engineering,cy@acme.test,Level 2,Asia/Kolkata,hi,2024-01-15\n"
)


def run_import(data: str | bytes, admin, name: str = "people.csv", **kwargs):
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return import_people(data=raw, file_name=name, actor=admin, **kwargs)


def snapshot():
    return (
        User.objects.count(),
        Person.objects.count(),
        Department.objects.count(),
        ImportBatch.objects.count(),
        AuditEntry.objects.count(),
    )


def rejected(data, admin, name="people.csv", **kwargs) -> list[str]:
    before = snapshot()
    with pytest.raises(ImportRejected) as caught:
        run_import(data, admin, name, **kwargs)
    assert snapshot() == before, "a rejected import wrote something"
    return [str(e) for e in caught.value.plan.errors]


def file_error(data, admin, name="people.csv") -> str:
    before = snapshot()
    with pytest.raises(ApplicationError) as caught:
        run_import(data, admin, name)
    assert not isinstance(caught.value, ImportRejected)
    assert snapshot() == before
    return caught.value.message


def test_clean_file_creates_people_with_managers_in_any_order(admin):
    outcome = run_import(CLEAN, admin)

    assert outcome.applied
    assert outcome.plan.summary()["created"] == 3
    bo = Person.objects.select_related("manager__user", "department").get(
        user__email="bo@acme.test"
    )
    assert bo.manager.user.name == "Cy, the Boss"
    assert bo.department.name == "Sales"
    assert bo.level == 3
    assert bo.timezone == "Europe/Stockholm"
    assert bo.languages == ["sv", "en"]
    assert bo.hire_date == date(2021, 3, 1)
    assert not bo.user.has_usable_password()
    di = Person.objects.get(user__email="di@acme.test")
    assert di.level == 2 and di.languages == ["hi"]
    entry = AuditEntry.objects.get(action="people.import_applied")
    assert entry.actor == admin and entry.data["created"] == 3


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ","), ("utf-8-sig", ";"), ("utf-8", "\t"), ("utf-16", "\t")],
)
def test_encodings_and_delimiters(admin, encoding, delimiter):
    text = (
        f"Work Email{delimiter}First Name{delimiter}Last Name{delimiter}Office\n"
        f'zoe@acme.test{delimiter}Zoë{delimiter}Ångström{delimiter}"Malmö; HQ"\n'
    )
    run_import(text.encode(encoding), admin)
    person = Person.objects.get(user__email="zoe@acme.test")
    assert person.user.name == "Zoë Ångström"
    assert person.location == "Malmö; HQ"


def test_quoted_fields_with_commas_and_newlines(admin):
    text = 'Email,Name,Job Title\nq@acme.test,"Quinn, Q.","Lead, ""Payments""\nand Billing"\n'
    run_import(text, admin)
    person = Person.objects.get(user__email="q@acme.test")
    assert person.user.name == "Quinn, Q."
    assert person.job_title == 'Lead, "Payments" and Billing'


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_excel_date_cells(admin):
    data = xlsx_bytes(
        [
            ["Email", "Name", "Hire Date", "Level", "Termination Date", "Status"],
            ["ex@acme.test", "Ex Cel", datetime(2020, 2, 29), 4, None, "Active"],
            ["old@acme.test", "Old Timer", date(2010, 1, 4), "L6", date(2025, 5, 31), "Terminated"],
        ]
    )
    run_import(data, admin, "people.xlsx")
    ex = Person.objects.get(user__email="ex@acme.test")
    assert ex.hire_date == date(2020, 2, 29) and ex.level == 4
    old = Person.objects.get(user__email="old@acme.test")
    assert old.status == PersonStatus.LEFT and old.left_on == date(2025, 5, 31)
    assert not old.user.is_active


def test_slash_dates_take_the_order_the_column_proves(admin):
    text = "Email,Name,Start Date\na@x.test,A,25/12/2020\nb@x.test,B,03/04/2021\n"
    run_import(text, admin)
    assert Person.objects.get(user__email="b@x.test").hire_date == date(2021, 4, 3)


def test_ambiguous_slash_dates_are_refused(admin):
    errors = rejected("Email,Name,Start Date\na@x.test,A,03/04/2021\n", admin)
    assert errors == [
        "Row 2, column “Start Date” (value “03/04/2021”): is ambiguous (day/month or "
        "month/day?); write dates as YYYY-MM-DD"
    ]


# --- the error cases the issue lists: each gives its message and writes nothing --------------


def test_missing_required_column(admin):
    errors = rejected("Full Name,Department\nAl,Sales\n", admin)
    assert errors == ["No column is mapped to Email; every person needs a work email."]


def test_bad_email(admin):
    errors = rejected("Email,Name\nal@acme.test,Al\nnot-an-email,Bea\n", admin)
    assert errors == ["Row 3, column “Email” (value “not-an-email”): is not a valid email address"]


def test_duplicate_emails_name_both_rows(admin):
    errors = rejected(
        "Email,Name\nal@acme.test,Al\nbo@acme.test,Bo\nAL@acme.test,Al again\n", admin
    )
    assert errors == [
        "Row 4, column “Email” (value “al@acme.test”): also appears in row 2; "
        "each person must be in the file once"
    ]


def test_unknown_manager(admin):
    errors = rejected("Email,Name,Manager Email\nal@acme.test,Al,ghost@acme.test\n", admin)
    assert errors == [
        "Row 2, column “Manager Email” (value “ghost@acme.test”): is not in this file or in the "
        "directory; add the manager as a row or fix the email"
    ]


def test_manager_from_the_directory_is_accepted(admin):
    boss = PersonFactory(user__email="boss@acme.test")
    run_import("Email,Name,Manager Email\nal@acme.test,Al,BOSS@acme.test\n", admin)
    assert Person.objects.get(user__email="al@acme.test").manager == boss


def test_manager_cycle(admin):
    text = (
        "Email,Name,Manager Email\n"
        "a@acme.test,A,b@acme.test\n"
        "b@acme.test,B,c@acme.test\n"
        "c@acme.test,C,a@acme.test\n"
        "d@acme.test,D,a@acme.test\n"
    )
    errors = rejected(text, admin)
    assert errors == [
        "Row 2, column “Manager Email” (value “b@acme.test”): creates a reporting cycle "
        "(a@acme.test → b@acme.test → c@acme.test → a@acme.test); someone in it needs a "
        "different manager"
    ]


def test_self_manager(admin):
    errors = rejected("Email,Name,Manager Email\na@acme.test,A,a@acme.test\n", admin)
    assert errors[0].endswith("is the person's own email; a person cannot manage themselves")


def test_unknown_time_zone_suggests_a_real_one(admin):
    errors = rejected(
        "Email,Name,Time Zone\na@acme.test,A,Europe/Berlinn\nb@acme.test,B,PST\n", admin
    )
    assert errors == [
        "Row 2, column “Time Zone” (value “Europe/Berlinn”): is not a known time zone; use an "
        "IANA name; did you mean Europe/Berlin?",
        "Row 3, column “Time Zone” (value “PST”): is not a known time zone; use an IANA name; "
        "did you mean America/Los_Angeles?",
    ]


def test_empty_file(admin):
    assert (
        file_error(b"", admin) == "The file is empty. Export the people list again and upload it."
    )
    assert file_error(b"\xef\xbb\xbf\r\n", admin).startswith("The file is empty.")


def test_header_only(admin):
    assert file_error("Email,Name\n", admin) == (
        "The file has a header row but no people in it. Check that the export includes data."
    )


def test_wrong_encoding(admin):
    data = "Email,Name\nf@acme.test,François\n".encode("cp1252")
    assert file_error(data, admin) == (
        "The file is not UTF-8 text (byte 0xE7 on line 2 cannot be read). In Excel choose "
        "File › Save As › “CSV UTF-8 (Comma delimited)”, or upload the .xlsx file instead."
    )


def test_oversize_file_is_refused_before_parsing(admin, settings, monkeypatch):
    settings.TANDEM_IMPORT_MAX_BYTES = 2048
    from tandem.people.importing import reader

    def must_not_parse(*args, **kwargs):
        raise AssertionError("parsed an oversize file")

    monkeypatch.setattr(reader, "_read_csv", must_not_parse)
    message = file_error(CLEAN + "x" * (5120 - len(CLEAN)), admin)
    assert message == (
        "The file is 5.0 KB; the limit is 2.0 KB. "
        "Split it into smaller files, or remove columns Tandem does not use."
    )


def test_formula_cells_are_refused(admin):
    text = "Email,Name,Job Title\na@acme.test,=cmd|' /C calc'!A0,Dev\nb@acme.test,B,\"@SUM(1+1)\"\n"
    errors = rejected(text, admin)
    assert errors == [
        "Row 2, column “Name” (value “=cmd|' /C calc'!A0”): looks like a spreadsheet formula; "
        "formulas are not imported, type the plain value instead",
        "Row 3, column “Job Title” (value “@SUM(1+1)”): looks like a spreadsheet formula; "
        "formulas are not imported, type the plain value instead",
    ]


def test_formula_cells_in_xlsx_are_refused(admin):
    data = xlsx_bytes([["Email", "Name"], ["a@acme.test", '=HYPERLINK("http://x","y")']])
    errors = rejected(data, admin, "people.xlsx")
    assert len(errors) == 1 and "looks like a spreadsheet formula" in errors[0]


def test_names_with_hyphens_and_apostrophes_are_not_formulas(admin):
    run_import("Email,Name,Team\na@acme.test,-Ann O'Neil,-\n", admin)
    assert Person.objects.get(user__email="a@acme.test").team == "-"


def test_every_row_is_reported_not_just_the_first(admin):
    text = "Email,Name,Job Level\nbad,A,3\nb@acme.test,B,11\nc@acme.test,,2\n"
    errors = rejected(text, admin)
    assert errors == [
        "Row 2, column “Email” (value “bad”): is not a valid email address",
        "Row 3, column “Job Level” (value “11”): must be a career level from 1 to 8",
        "Row 4, column “Name”: is empty; every person needs a name",
    ]


def test_old_xls_and_fake_xlsx(admin):
    assert "old Excel .xls" in file_error(b"\xd0\xcf\x11\xe0junk", admin, "people.xls")
    assert "not an Excel workbook" in file_error(b"Email,Name\n", admin, "people.xlsx")


# --- updates, leavers, re-imports -------------------------------------------------------------


def test_reimport_of_the_same_file_changes_nothing(admin):
    run_import(CLEAN, admin)
    outcome = run_import(CLEAN, admin)
    assert outcome.plan.summary()["unchanged"] == 3
    assert outcome.plan.summary()["created"] == outcome.plan.summary()["updated"] == 0


def test_update_changes_only_mapped_fields(admin):
    run_import(CLEAN, admin)
    person = Person.objects.get(user__email="bo@acme.test")
    person.goals = "Kept: the person's own words"
    person.save()
    outcome = run_import("Email,Name,Job Level\nbo@acme.test,Bo Berg-Lund,4\n", admin)
    assert outcome.plan.summary()["updated"] == 1
    person.refresh_from_db()
    assert (person.user.name, person.level, person.timezone) == (
        "Bo Berg-Lund",
        4,
        "Europe/Stockholm",
    )
    assert person.goals == "Kept: the person's own words"


def test_full_export_marks_missing_people_left_and_ends_their_sessions_and_tokens(admin):
    run_import(CLEAN, admin)
    di = User.objects.get(email="di@acme.test")
    di.set_password("a long enough password")
    di.save()
    client = client_for_password(di, "a long enough password")
    _, token = api_token_create(user=di, name="script")
    assert client.get("/people/me/").status_code == 200

    without_di = "\n".join(line for line in CLEAN.splitlines() if "di@acme.test" not in line)
    outcome = run_import(without_di + "\n", admin, full_export=True)

    assert outcome.plan.summary()["marked_left"] == 1  # not the importing admin, who is not listed
    assert admin.person.status == PersonStatus.ACTIVE
    di.refresh_from_db()
    assert not di.is_active
    assert di.person.status == PersonStatus.LEFT and di.person.left_on is not None
    assert client.get("/people/me/").status_code == 302  # signed out
    assert not Session.objects.filter(session_key=client.session.session_key).exists()
    assert not ApiToken.objects.get(user=di).is_active
    from django.test import Client

    api = Client(headers={"authorization": f"Bearer {token}"})
    assert api.get("/api/me").status_code == 401


def client_for_password(user, password):
    from django.test import Client

    client = Client()
    assert client.login(username=user.email, password=password)
    return client


def test_partial_import_leaves_missing_people_alone(admin):
    run_import(CLEAN, admin)
    run_import("Email,Name\nnew@acme.test,New Person\n", admin)
    assert Person.objects.filter(status=PersonStatus.LEFT).count() == 0


def test_person_who_returns_is_reactivated(admin):
    run_import(CLEAN, admin)
    run_import("Email,Name,Status\nbo@acme.test,Bo Berg,Terminated\n", admin)
    assert not User.objects.get(email="bo@acme.test").is_active
    outcome = run_import("Email,Name,Status\nbo@acme.test,Bo Berg,Active\n", admin)
    assert outcome.plan.summary()["reactivated"] == 1
    bo = User.objects.get(email="bo@acme.test")
    assert bo.is_active and bo.person.status == PersonStatus.ACTIVE and bo.person.left_on is None


def test_dry_run_writes_nothing(admin):
    before = snapshot()
    outcome = run_import(CLEAN, admin, dry_run=True)
    assert not outcome.applied and outcome.plan.summary()["created"] == 3
    assert snapshot() == before


def test_existing_account_without_directory_entry_is_linked(admin):
    run_import(f"Email,Name\n{admin.email},Ada Admin\n", admin)  # admin already has a Person
    from tandem.accounts.models import Role

    lonely = User.objects.create_user(
        "first.admin@acme.test", "First Admin", "pw-long-enough-1", role=Role.ADMIN
    )
    run_import("Email,Name\nfirst.admin@acme.test,First Admin\n", admin)
    lonely.refresh_from_db()
    assert lonely.person.user == lonely and lonely.role == Role.ADMIN


def test_only_admins_may_import(coordinator):
    with pytest.raises(ApplicationError) as caught:
        run_import(CLEAN, coordinator)
    assert caught.value.status == 403
    assert Person.objects.filter(user__email="bo@acme.test").count() == 0


def test_invitations_go_to_the_outbox_with_the_import(admin):
    from tandem.notify.models import OutboxMessage

    run_import(CLEAN, admin, send_invitations=True)
    messages = OutboxMessage.objects.filter(kind="invitation")
    assert sorted(messages.values_list("recipient", flat=True)) == [
        "bo@acme.test",
        "cy@acme.test",
        "di@acme.test",
    ]
    assert "/accounts/invitation/" in messages.first().body_text


def test_two_letter_language_codes_are_codes_not_names(admin):
    """pycountry finds a language *named* "En" before English; the importer asks codes first."""
    from tandem.people.importing import parse

    assert parse.languages("en; DE, fra, pt-BR") == ["en", "de", "fr", "pt"]
    assert parse.languages("English / Hindi") == ["en", "hi"]

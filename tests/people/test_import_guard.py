"""A full export that would mark many people as left says so in numbers and needs that number
typed, in the browser form, the API and the CLI; nothing is written until it is."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from tandem.core.errors import ApplicationError
from tandem.people.models import ImportBatch, Person, PersonStatus
from tandem.people.services import LEAVER_CONFIRMATION_FROM, import_people
from tests.conftest import client_for
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

THREE = (
    "Email,Name,Department\n"
    "ana@acme.test,Ana Lima,Sales\n"
    "bo@acme.test,Bo Chen,Sales\n"
    "cy@acme.test,Cy Park,Finance\n"
)
LEAVING = LEAVER_CONFIRMATION_FROM + 2


@pytest.fixture
def directory(admin):
    return PersonFactory.create_batch(LEAVING)


def left() -> int:
    return Person.objects.filter(status=PersonStatus.LEFT).count()


def test_the_service_refuses_until_the_number_of_leavers_is_confirmed(admin, directory):
    dry = import_people(
        data=THREE.encode(), file_name="p.csv", actor=admin, full_export=True, dry_run=True
    )
    assert dry.plan.summary()["marked_left"] == LEAVING
    with pytest.raises(ApplicationError, match=f"marks {LEAVING} people as left") as refused:
        import_people(
            data=THREE.encode(), file_name="p.csv", actor=admin, full_export=True, confirm_leavers=3
        )
    assert refused.value.errors[0].field == "confirm_leavers"
    assert left() == 0 and not Person.objects.filter(user__email="ana@acme.test").exists()

    import_people(
        data=THREE.encode(),
        file_name="p.csv",
        actor=admin,
        full_export=True,
        confirm_leavers=LEAVING,
    )
    assert left() == LEAVING


def test_a_few_leavers_need_no_typing(admin):
    PersonFactory.create_batch(2)
    import_people(data=THREE.encode(), file_name="p.csv", actor=admin, full_export=True)
    assert left() == 2


def test_the_preview_button_says_what_happens_and_the_form_asks_for_the_number(admin, directory):
    client = client_for(admin)
    upload = client.post(
        reverse("people:import_upload"), {"file": SimpleUploadedFile("p.csv", THREE.encode())}
    )
    batch = ImportBatch.objects.get()
    assert upload["Location"] == reverse("people:import_preview", args=[batch.pk])
    page = client.post(
        reverse("people:import_preview", args=[batch.pk]),
        {"full_export": "on", **_mapping(client, batch)},
    ).content.decode()
    assert f"Import: 3 new, 0 updated, {LEAVING} marked as left" in page
    assert f"{LEAVING} people are not in this file and will be marked as left" in page
    assert "is this really the full export?" in page

    apply = reverse("people:import_apply", args=[batch.pk])
    refused = client.post(apply, {"full_export": "on", **_mapping(client, batch)})
    assert refused.status_code == 200
    assert f"Type {LEAVING} to confirm that {LEAVING} people are marked as left." in (
        refused.content.decode()
    )
    assert left() == 0

    done = client.post(
        apply, {"full_export": "on", "confirm_leavers": str(LEAVING), **_mapping(client, batch)}
    )
    assert done.status_code == 302
    assert left() == LEAVING


def _mapping(client, batch) -> dict[str, str]:
    """The mapping form's own selections, as the page renders them."""
    from tandem.people.forms import ImportMappingForm
    from tandem.people.importing.fields import detect_mapping
    from tandem.people.services import batch_table

    table = batch_table(batch)
    form = ImportMappingForm(table.headers, detect_mapping(table.headers))
    return {
        name: str(field.initial)
        for name, field in form.fields.items()
        if name not in ("full_export", "send_invitations", "confirm_leavers")
        and field.initial is not None
    }


def test_the_api_and_the_cli_ask_for_the_same_number(admin, directory, tmp_path):
    client = client_for(admin)
    refused = client.post(
        "/api/imports",
        {"file": SimpleUploadedFile("p.csv", THREE.encode()), "full_export": "true"},
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "confirm_leavers"
    assert left() == 0

    path = tmp_path / "people.csv"
    path.write_text(THREE)
    with pytest.raises(CommandError, match=f"Type {LEAVING} to confirm"):
        call_command("import_people", str(path), "--full", "--as", admin.email)
    assert left() == 0
    call_command(
        "import_people",
        str(path),
        "--full",
        "--confirm-leavers",
        str(LEAVING),
        "--as",
        admin.email,
    )
    assert left() == LEAVING

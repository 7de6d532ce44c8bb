"""The import screens: the preview reads, a POST keeps the mapping, apply has its own URL."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tandem.people.models import ImportBatch, Person
from tests.conftest import client_for
from tests.writes import no_writes

CSV = b"Courriel,Full Name\nlena@acme.test,Lena Lind\nomar@acme.test,Omar Odeh\n"


def _upload(client) -> ImportBatch:
    response = client.post(
        reverse("people:import_upload"), {"file": SimpleUploadedFile("hr.csv", CSV)}
    )
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("people:import_preview", args=[batch.pk])
    return batch


def _mapping(**extra) -> dict[str, str]:
    return {"col_0": "email", "col_1": "name", **extra}


def test_the_preview_page_writes_nothing(admin):
    client = client_for(admin)
    batch = _upload(client)
    with no_writes():
        page = client.get(reverse("people:import_preview", args=[batch.pk]))
    assert page.status_code == 200
    assert "No column is mapped to Email" in page.content.decode()


def test_a_mapping_posted_to_the_preview_is_kept(admin):
    client = client_for(admin)
    batch = _upload(client)
    panel = client.post(
        reverse("people:import_preview", args=[batch.pk]), _mapping(), HTTP_HX_REQUEST="true"
    )
    assert panel.status_code == 200
    assert 'id="preview-panel"' in panel.content.decode()
    assert "<html" not in panel.content.decode()  # the partial only
    batch.refresh_from_db()
    assert batch.mapping == {"email": 0, "name": 1}


def test_apply_imports_and_shows_the_result(admin):
    client = client_for(admin)
    batch = _upload(client)
    response = client.post(reverse("people:import_apply", args=[batch.pk]), _mapping())
    assert response["Location"] == reverse("people:import_result", args=[batch.pk])
    assert Person.objects.filter(user__email__in=["lena@acme.test", "omar@acme.test"]).count() == 2
    again = client.post(reverse("people:import_apply", args=[batch.pk]), _mapping())
    assert again["Location"] == reverse("people:import_result", args=[batch.pk])


def test_a_refused_apply_shows_the_problems_and_imports_nothing(admin):
    client = client_for(admin)
    batch = _upload(client)
    page = client.post(reverse("people:import_apply", args=[batch.pk]), {"col_1": "name"})
    assert page.status_code == 200
    assert "No column is mapped to Email" in page.content.decode()
    assert [str(m) for m in get_messages(page.wsgi_request)] == [
        "Nothing was imported: the file has 1 problem to fix first."
    ]
    assert not Person.objects.filter(user__email="lena@acme.test").exists()


def test_two_columns_for_one_field_are_refused_on_the_form(admin):
    client = client_for(admin)
    batch = _upload(client)
    page = client.post(
        reverse("people:import_apply", args=[batch.pk]), {"col_0": "email", "col_1": "email"}
    )
    assert page.status_code == 200
    assert "This field is already filled by another column." in page.content.decode()
    assert not Person.objects.filter(user__email="lena@acme.test").exists()


def test_only_a_post_applies(admin):
    batch = _upload(client_for(admin))
    assert client_for(admin).get(reverse("people:import_apply", args=[batch.pk])).status_code == 405

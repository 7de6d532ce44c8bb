"""The inputs issue 18 found crashing the API or slipping through: each is now a documented
4xx with the error envelope, and nothing is written."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tandem.accounts.services import api_token_create
from tandem.core.schemas import LONG_TEXT
from tandem.relationships.models import Meeting, PrivateNote
from tests.fuzz.world import build_world


@pytest.fixture
def world(db):
    return build_world()


def _api(user) -> Client:
    _, secret = api_token_create(user=user, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _send(client, method, path, body, content_type="application/json"):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return getattr(client, method)(path, data, content_type=content_type)


def test_nulls_in_a_program_patch_are_refused_per_field(world):
    program = world["programs"][0]
    client = _api(world["coordinator"])
    for field in ("name", "duration_months", "last_call_days", "allow_trio", "kind"):
        response = _send(client, "patch", f"/api/programs/{program.pk}", {field: None})
        assert response.status_code == 422, field
        assert response.json()["errors"][0]["field"] == field
    cleared = _send(client, "patch", f"/api/programs/{program.pk}", {"enrolment_opens_on": None})
    assert cleared.status_code == 200  # the documented nullable one clears


@pytest.mark.parametrize("body", [[{"name": "x"}], "[]", "{not json", b"\xff\xfe"])
def test_arrays_and_broken_json_get_the_envelope(world, body):
    program = world["programs"][0]
    response = _send(_api(world["coordinator"]), "patch", f"/api/programs/{program.pk}", body)
    assert response.status_code in (400, 422)
    assert set(response.json()) == {"detail", "errors"}


@pytest.mark.parametrize("big", [2**63, 2**62, -1, 0])
def test_ids_and_limits_beyond_any_table_are_422(world, big):
    client = _api(world["admin"])
    assert client.get(f"/api/programs/{big}").status_code == 422
    assert client.get(f"/api/people?limit={big}").status_code == 422
    if big != 0:
        assert client.get(f"/api/people?limit=10&offset={big}").status_code == 422


def test_local_times_with_an_offset_are_refused(world):
    client = _api(world["participant"])
    response = _send(client, "patch", "/api/me", {"work_start": "00:00:00Z"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "work_start"
    assert _send(client, "patch", "/api/me", {"work_start": "08:30"}).json()["work_start"] == (
        "08:30:00"
    )


@pytest.mark.parametrize(
    "change",
    [
        {"video_url": "javascript:alert(1)"},
        {"starts_at": "9999-12-31T10:00:00Z"},
        {"starts_at": "8385-01-01T10:00:00+01:00"},
        {"duration_minutes": 2**62},
        {"repeat": 2**31},
        {"starts_at": "2030-01-01T10:00:00"},  # no offset
    ],
)
def test_hostile_meetings_are_422_and_nothing_is_written(world, change):
    relationship = world["relationship"]
    before = Meeting.objects.count()
    body = {"starts_at": "2030-01-07T10:00:00+01:00", **change}
    response = _send(
        _api(world["participant"]), "post", f"/api/relationships/{relationship.pk}/meetings", body
    )
    assert response.status_code == 422, response.content
    assert Meeting.objects.count() == before


def test_private_notes_are_length_limited_in_the_api_and_the_page(world):
    relationship = world["relationship"]
    huge = "x" * (LONG_TEXT + 1)
    client = _api(world["participant"])
    path = f"/api/relationships/{relationship.pk}/notes"
    assert _send(client, "post", path, {"text": huge}).status_code == 422
    page = Client()
    page.force_login(world["participant"])
    page.post(f"/relationships/{relationship.pk}/note/", {"text": huge})
    assert not PrivateNote.objects.exists()
    assert _send(client, "post", path, {"text": "x" * LONG_TEXT}).status_code == 201

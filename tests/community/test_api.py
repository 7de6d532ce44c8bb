"""Group sessions over the API: the same services as the pages (plan, change, cancel, list who
answered, take attendance), with field errors and the access rules."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from tandem.audit.models import AuditEntry
from tandem.community.models import GroupSession, Rsvp
from tandem.community.services.rsvp import rsvp_join
from tandem.notify.models import OutboxMessage
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _start(days=4):
    return (timezone.now() + timedelta(days=days)).replace(microsecond=0).isoformat()


def test_a_coordinator_plans_changes_and_cancels_a_session(coordinator, program, members):
    client = client_for(coordinator)
    created = client.post(
        "/api/sessions",
        {
            "program_id": program.pk,
            "kind": "lunch_learn",
            "title": "Feedback that lands",
            "starts_at": _start(),
            "timezone": "Europe/Berlin",
            "capacity": 2,
            "online_url": "https://meet.example.com/f",
        },
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    (session,) = created.json()
    assert (
        session["capacity"] == 2 and session["going"] == 0 and session["program_id"] == program.pk
    )
    for user in members[:3]:
        rsvp_join(user=user, session_id=session["id"])
    url = f"/api/sessions/{session['id']}"

    listed = client.get(f"{url}/rsvps").json()
    assert [(a["name"], a["status"], a["waitlist_position"]) for a in listed][2] == (
        members[2].name,
        "waitlisted",
        1,
    )
    assert AuditEntry.objects.filter(action="community.attendees_viewed", actor=coordinator)

    too_small = client.patch(url, {"capacity": 1}, content_type=JSON)
    assert too_small.status_code == 422 and too_small.json()["errors"][0]["field"] == "capacity"
    assert client.patch(url, {"title": None}, content_type=JSON).status_code == 422

    moved = client.patch(url, {"starts_at": _start(6), "capacity": 3}, content_type=JSON).json()
    assert moved["going"] == 3 and moved["waitlisted"] == 0  # the larger room lets them in
    update = OutboxMessage.objects.filter(user=members[0], kind="session_updated").latest("id")
    event = Calendar.from_ical(base64.b64decode(update.attachments[0]["content"]))
    assert event.walk("VEVENT")[0]["SEQUENCE"] == 1

    cancelled = client.post(f"{url}/cancel").json()
    assert cancelled["status"] == "cancelled"
    assert OutboxMessage.objects.filter(user=members[2], kind="session_cancelled").exists()
    assert client.patch(url, {"title": "Again"}, content_type=JSON).status_code == 400


def test_bad_input_names_the_field(coordinator, program):
    client = client_for(coordinator)
    base = {"program_id": program.pk, "kind": "lunch_learn", "title": "T", "starts_at": _start()}
    cases = [
        ({"kind": "picnic"}, "kind"),
        ({"starts_at": "2020-01-01T10:00:00+00:00"}, "starts_at"),
        ({"starts_at": "2030-01-01T10:00:00"}, "starts_at"),  # no offset
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"online_url": "javascript:alert(1)"}, "online_url"),
        ({"capacity": 0}, "capacity"),
        ({"slots": 3}, "slots"),
    ]
    for change, field in cases:
        response = client.post("/api/sessions", {**base, **change}, content_type=JSON)
        assert response.status_code == 422, (change, response.content)
        assert field in str(response.json()["errors"]), (change, response.json())
    assert not GroupSession.objects.exists()


def test_members_offer_flash_mentoring_but_not_lunch_and_learns(participant, program, members):
    client = client_for(participant)
    base = {"program_id": program.pk, "title": "Ask me about SQL", "starts_at": _start()}
    refused = client.post("/api/sessions", {**base, "kind": "lunch_learn"}, content_type=JSON)
    assert refused.status_code == 403
    slots = client.post("/api/sessions", {**base, "kind": "flash", "slots": 3}, content_type=JSON)
    assert slots.status_code == 201
    assert [s["capacity"] for s in slots.json()] == [1, 1, 1]
    assert all(s["host"] == participant.name for s in slots.json())
    wide = client.post(
        "/api/sessions", {**base, "kind": "flash"} | {"program_id": None}, content_type=JSON
    )
    assert wide.status_code == 403


def test_attendance_only_for_people_who_were_going(coordinator, program, members):
    start = timezone.now() + timedelta(days=1)
    client = client_for(coordinator)
    (session,) = client.post(
        "/api/sessions",
        {
            "program_id": program.pk,
            "kind": "lunch_learn",
            "title": "T",
            "starts_at": start.isoformat(),
            "capacity": 5,
        },
        content_type=JSON,
    ).json()
    for user in members[:3]:
        rsvp_join(user=user, session_id=session["id"])
    url = f"/api/sessions/{session['id']}/attendance"
    early = client.put(url, {"present": [members[0].pk]}, content_type=JSON)
    assert early.status_code == 400  # not started yet
    GroupSession.objects.filter(pk=session["id"]).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(hours=1)
    )
    stranger = client.put(url, {"present": [members[4].pk]}, content_type=JSON)
    assert stranger.status_code == 422 and stranger.json()["errors"][0]["field"] == "present"
    taken = client.put(url, {"present": [members[0].pk, members[1].pk]}, content_type=JSON).json()
    assert taken == {"session_id": session["id"], "came": 2, "going": 3}
    assert dict(Rsvp.objects.values_list("user_id", "attended"))[members[2].pk] is False
    # Participants cannot read who signed up, nor take attendance.
    participant_client = client_for(members[0])
    assert participant_client.get(f"/api/sessions/{session['id']}/rsvps").status_code == 404
    assert participant_client.put(url, {"present": []}, content_type=JSON).status_code == 404

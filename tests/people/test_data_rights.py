"""Issue 17: a person's data export (ZIP of JSON + HTML) and erasure."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.audit.models import AuditEntry
from tandem.core.personal_data import contributors
from tandem.notify.models import OutboxMessage
from tandem.people import rights
from tandem.people.jobs import erasures_due
from tandem.people.models import ErasureRequest, ErasureStatus, Person, PersonStatus
from tandem.relationships.models import (
    EndReason,
    MeetingLog,
    PrivateNote,
    Relationship,
    RelationshipStatus,
)
from tests.conftest import client_for
from tests.people.data_rights_world import EMAIL, NAME, PARTNER_NOTE, build_world

pytestmark = pytest.mark.django_db

SECTIONS = {
    "accounts.account",
    "people.profile",
    "programs.enrolments",
    "matches.proposals",
    "relationships.matches",
    "relationships.meetings",
    "relationships.meeting_logs",
    "relationships.private_notes",
    "relationships.goals",
    "relationships.concerns",
    "feedback.survey_participation",
    "notify.messages",
    "audit.about_you",
}


def _unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_every_app_with_personal_data_contributes():
    apps_with = {c.app for c in contributors()}
    assert {
        "accounts",
        "people",
        "programs",
        "matches",
        "relationships",
        "feedback",
        "notify",
        "audit",
        "sso",
        "scim",
        "integrations",
        "learning",
        "community",
    } <= apps_with


def test_the_export_holds_everything_of_theirs_and_no_anonymous_answer(coordinator):
    world = build_world(coordinator)
    response = client_for(world.zoe.user).post(reverse("people:my_data_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    files = _unzip(response.content)
    assert set(files) == {"data.json", "index.html", "README.txt"}
    document = json.loads(files["data.json"])
    assert document["format"] == "tandem-personal-data/1"
    assert set(document["sections"]) >= SECTIONS
    text = files["data.json"].decode()
    for expected in (
        "Zoe's private note",
        PARTNER_NOTE,
        "Zoe's takeaway",
        "Zoe's goal",
        "Zoe's concern text",
        "Welcome, Zoe Thompson",
        "Staff Cartographer",
        "Zoe achieved",
        "Pat Quinn",
    ):
        assert expected in text, expected
    participation = document["sections"]["feedback.survey_participation"]["items"]
    assert len(participation) == 1 and participation[0]["answered"] is None
    html = files["index.html"].decode()
    assert "<h1>Your data in Tandem</h1>" in html and "Zoe&#x27;s private note" in html
    assert "<script" not in html
    entry = AuditEntry.objects.get(action="people.data_exported")
    assert entry.actor == world.zoe.user and entry.data["by_self"] is True


def test_nobody_else_gets_someone_elses_export(coordinator, admin):
    build_world(coordinator)
    data = client_for(admin).post(reverse("people:my_data_export")).content
    assert NAME not in json.loads(_unzip(data)["data.json"])["person"]["name"]
    assert "Zoe's private note" not in _unzip(data)["data.json"].decode()


def test_exports_are_rate_limited(coordinator, settings):
    settings.TANDEM_EXPORTS_PER_HOUR = 2
    world = build_world(coordinator)
    client = client_for(world.zoe.user)
    url = reverse("people:my_data_export")
    assert client.post(url).status_code == 200
    assert client.post(url).status_code == 200
    refused = client.post(url, follow=True)
    assert refused["Content-Type"].startswith("text/html")
    assert "Please try again later" in refused.content.decode()


def test_an_admin_exports_a_leaver_from_the_command_line(coordinator, admin, tmp_path):
    world = build_world(coordinator)
    world.zoe.status = PersonStatus.LEFT
    world.zoe.save(update_fields=["status"])
    out = tmp_path / "zoe.zip"
    call_command("export_person", EMAIL, "--out", str(out), "--as", admin.email)
    document = json.loads(_unzip(out.read_bytes())["data.json"])
    assert document["person"]["email"] == EMAIL
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert AuditEntry.objects.filter(action="people.data_exported", actor=admin).exists()


# --- erasure -------------------------------------------------------------------------------------


def _mentions(needles: list[str]) -> list[str]:
    """Every (table, column) still holding one of ``needles``: char/text/email columns by a
    query, JSON columns by reading them."""
    found = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            for needle in needles:
                if isinstance(f, (models.CharField, models.TextField, models.EmailField)):
                    if model._base_manager.filter(**{f"{f.attname}__icontains": needle}).exists():
                        found.append(f"{model._meta.label}.{f.name}")
                elif isinstance(f, models.JSONField):
                    for value in model._base_manager.values_list(f.attname, flat=True):
                        if needle.lower() in json.dumps(value, ensure_ascii=False).lower():
                            found.append(f"{model._meta.label}.{f.name}")
                            break
    return found


def test_erasure_leaves_no_personal_field_keeps_the_partners_records_and_uses_a_pseudonym(
    coordinator, admin
):
    world = build_world(coordinator)
    assert _mentions([NAME, EMAIL])  # the walk finds them before
    erasure = rights.erasure_request(person=world.zoe, actor=world.zoe.user)
    assert erasure.due_at > timezone.now() + timedelta(days=29)

    done = rights.erasure_carry_out(erasure_id=erasure.pk, actor=admin)

    assert _mentions([NAME, EMAIL, "E-77881", "Staff Cartographer", "Zoe's"]) == []
    zoe = Person.objects.select_related("user").get(pk=world.zoe.pk)
    assert zoe.user.name == done.pseudonym and done.pseudonym.startswith("Former participant ")
    assert zoe.status == PersonStatus.LEFT and not zoe.user.is_active
    assert not zoe.user.has_usable_password()
    # the match ended through the normal path; the partner is told and stays in the pool
    relationship = Relationship.objects.get(pk=world.relationship.pk)
    assert relationship.status == RelationshipStatus.ENDED
    assert relationship.end_reason == EndReason.LEFT
    assert OutboxMessage.objects.filter(kind="match_ended", user=world.partner.user).exists()
    # the partner's own records stay; theirs mention the pseudonym
    assert PrivateNote.objects.filter(author=world.partner, text=PARTNER_NOTE).exists()
    partner_log = MeetingLog.objects.get(author=world.partner)
    assert partner_log.takeaways == f"Talked with {done.pseudonym} about maps."
    assert not PrivateNote.objects.filter(author=world.zoe).exists()
    # the audit trail keeps its entries and refers to the pseudonym
    viewed = AuditEntry.objects.get(action="people.person_viewed")
    assert viewed.target_label == done.pseudonym
    assert AuditEntry.objects.filter(action="account.updated").get().actor_email == done.pseudonym
    erased = AuditEntry.objects.get(action="people.erased")
    assert erased.data["pseudonym"] == done.pseudonym and erased.actor == admin
    assert done.report["relationships.private_notes"] == 1


def test_an_erased_person_cannot_sign_in(coordinator, admin, client):
    world = build_world(coordinator)
    erasure = rights.erasure_request(person=world.zoe, actor=admin)
    rights.erasure_carry_out(erasure_id=erasure.pk, actor=admin)
    assert not client.login(username=EMAIL, password="correct horse battery staple")
    assert not User.objects.filter(email=EMAIL).exists()


def test_the_request_is_carried_out_by_itself_after_the_grace_period(coordinator, settings):
    settings.TANDEM_ERASURE_GRACE_DAYS = 30
    world = build_world(coordinator)
    now = timezone.now()
    erasure = rights.erasure_request(person=world.zoe, actor=world.zoe.user, now=now)
    assert erasures_due(now + timedelta(days=29)) == "0 erasures carried out"
    assert erasures_due(now + timedelta(days=30, seconds=1)) == "1 erasures carried out"
    erasure.refresh_from_db()
    assert erasure.status == ErasureStatus.DONE and erasure.report


def test_the_person_requests_and_cancels_from_the_browser_with_a_confirmation(coordinator):
    world = build_world(coordinator)
    client = client_for(world.zoe.user)
    refused = client.post(reverse("people:my_data_erase"), {})
    assert refused.status_code == 200 and "Tick the box" in refused.content.decode()
    assert not ErasureRequest.objects.exists()
    client.post(reverse("people:my_data_erase"), {"confirm": "on"})
    erasure = ErasureRequest.objects.get()
    assert erasure.requested_by_self and erasure.status == ErasureStatus.REQUESTED
    page = client.get(reverse("people:my_data")).content.decode()
    assert "Cancel my request" in page
    client.post(reverse("people:my_data_erase_cancel"))
    erasure.refresh_from_db()
    assert erasure.status == ErasureStatus.CANCELLED
    assert AuditEntry.objects.filter(action="people.erasure_cancelled").exists()


def test_the_admin_queue_is_audited_and_carries_out(coordinator, admin):
    world = build_world(coordinator)
    erasure = rights.erasure_request(person=world.zoe, actor=world.zoe.user)
    client = client_for(admin)
    page = client.get(reverse("people:erasures")).content.decode()
    assert NAME in page
    assert AuditEntry.objects.filter(action="people.erasures_viewed", actor=admin).exists()
    client.post(reverse("people:erasure_carry_out", args=[erasure.pk]))
    erasure.refresh_from_db()
    assert erasure.status == ErasureStatus.DONE
    assert NAME not in client.get(reverse("people:erasures")).content.decode()
    again = client.post(reverse("people:erasure_carry_out", args=[erasure.pk]), follow=True)
    assert "not open any more" in again.content.decode()

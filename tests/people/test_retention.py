"""Issue 17: retention per category, set by an admin, applied by a daily job on a fixed timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from tandem.audit.models import AuditEntry
from tandem.audit.services import log_action
from tandem.notify.models import OutboxMessage
from tandem.people.jobs import retention
from tandem.people.models import ErasureRequest, ErasureStatus, Person, PersonStatus
from tandem.people.retention import APPLIED, apply_retention, effective_days
from tandem.programs.models import PrivateAnswer, Program, QuestionKind
from tandem.relationships.models import ClosingSummary, MeetingLog, PrivateNote
from tests.conftest import client_for
from tests.people.data_rights_world import NAME, build_world

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)


def _close(program: Program, at: datetime) -> None:
    Program.objects.filter(pk=program.pk).update(status="closed", closed_at=at)


def test_defaults_are_documented_values():
    assert effective_days() == {
        "leavers": 180,
        "private_text": 365,
        "private_answers": 30,
        "outbox_bodies": 90,
        "audit": 730,
    }


def test_private_text_goes_a_set_time_after_the_program_closes(coordinator):
    world = build_world(coordinator)
    _close(world.relationship.program, T0)
    assert apply_retention(T0 + timedelta(days=364)).get("private_text") is None
    assert PrivateNote.objects.count() == 2

    report = apply_retention(T0 + timedelta(days=365))

    assert report["private_text"]["private_notes"] == 2
    assert report["private_text"]["meeting_logs"] == 2
    assert report["private_text"]["closing_summaries"] == 1
    assert not PrivateNote.objects.exists()
    assert set(MeetingLog.objects.values_list("takeaways", flat=True)) == {""}
    assert ClosingSummary.objects.get().achieved == ""
    entry = AuditEntry.objects.filter(action=APPLIED).latest("at")
    assert entry.data["removed"]["private_text"]["private_notes"] == 2
    # a second run finds nothing more
    assert "private_text" not in apply_retention(T0 + timedelta(days=366))


def test_private_answers_outbox_bodies_and_audit_entries(coordinator):
    world = build_world(coordinator)
    program = world.relationship.program
    question = program.questions.filter(kind=QuestionKind.AVOID_PEERS).first()
    assert question is not None
    PrivateAnswer.objects.create(
        enrolment=program.enrolments.get(person=world.zoe), question=question, value=[]
    )
    _close(program, T0)
    OutboxMessage.objects.update(status="sent", created_at=T0)
    OutboxMessage.objects.create(
        event_key="later",
        recipient="x@example.com",
        kind="k",
        subject="Later",
        body_text="Still pending",
        created_at=T0,
    )
    AuditEntry.objects.update(at=T0)

    report = apply_retention(T0 + timedelta(days=30))
    assert report == {"private_answers": {"private_answers": 1}}
    assert not PrivateAnswer.objects.exists()

    report = apply_retention(T0 + timedelta(days=90))
    assert report["outbox_bodies"] == {"message_bodies": 1}
    welcome = OutboxMessage.objects.get(kind="welcome")
    assert NAME not in welcome.subject + welcome.body_text
    assert OutboxMessage.objects.get(event_key="later").body_text == "Still pending"

    before = AuditEntry.objects.filter(at=T0).count()
    report = apply_retention(T0 + timedelta(days=731))
    assert report["audit"]["entries"] == before
    assert not AuditEntry.objects.filter(at=T0).exists()


def test_leavers_are_erased_after_their_period(coordinator, settings):
    world = build_world(coordinator)
    Person.objects.filter(pk=world.zoe.pk).update(status=PersonStatus.LEFT, left_on=T0.date())
    assert "leavers" not in apply_retention(T0 + timedelta(days=179))
    report = apply_retention(T0 + timedelta(days=180))
    assert report["leavers"] == {"people_erased": 1}
    erasure = ErasureRequest.objects.get(person=world.zoe)
    assert erasure.status == ErasureStatus.DONE and not erasure.requested_by_self
    assert Person.objects.get(pk=world.zoe.pk).user.name == erasure.pseudonym
    assert "leavers" not in apply_retention(T0 + timedelta(days=181))


def test_an_admin_sets_the_periods_and_sees_what_the_job_removed(coordinator, admin):
    world = build_world(coordinator)
    _close(world.relationship.program, T0)
    client = client_for(admin)
    response = client.post(
        reverse("people:retention"),
        {
            "private_text": "10",
            "private_answers": "",
            "outbox_bodies": "90",
            "audit": "730",
            "leavers": "180",
        },
    )
    assert response.status_code == 302
    assert effective_days()["private_text"] == 10
    assert effective_days()["private_answers"] is None
    changed = AuditEntry.objects.get(action="privacy.retention_changed")
    assert changed.data["private_text"] == {"from": 365, "to": 10}

    # 2 notes, 2 logs, 1 topic, 1 closing summary, 1 re-pair reason
    assert retention(T0 + timedelta(days=10)).startswith("7 rows")
    page = client.get(reverse("people:retention")).content.decode()
    assert "private_notes 2" in page

    bad = client.post(reverse("people:retention"), {"private_text": "-1"})
    assert bad.status_code == 200
    assert "greater than or equal to 0" in bad.content.decode()


def test_the_report_entry_is_written_even_when_nothing_is_due(db):
    log_action("something", data={})
    assert apply_retention(T0) == {}
    assert AuditEntry.objects.filter(action=APPLIED).count() == 1

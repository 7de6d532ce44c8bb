"""The weekly digest: Monday 08:00 in the coordinator's zone, once a week, only when something
needs them, with the same lines as their desk."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tandem.core.periodic import run_due_jobs
from tandem.insights.digest import send_weekly_digests
from tandem.notify.models import OutboxMessage
from tests.factories import ProgramFactory, RelationshipFactory

pytestmark = pytest.mark.django_db

MONDAY_0830_BERLIN = datetime(2026, 12, 7, 7, 30, tzinfo=UTC)


def test_one_digest_a_week_on_monday_morning_local_time(coordinator):
    coordinator.person.timezone = "Europe/Berlin"
    coordinator.person.save()
    program = ProgramFactory(status="active", coordinators=[coordinator], name="Pilot")
    RelationshipFactory(program=program, health="at_risk")
    ProgramFactory(status="active", coordinators=[coordinator], name="Calm")

    assert send_weekly_digests(datetime(2026, 12, 6, 12, tzinfo=UTC)) == 0  # Sunday
    assert send_weekly_digests(datetime(2026, 12, 7, 6, 30, tzinfo=UTC)) == 0  # 07:30 Berlin
    assert send_weekly_digests(MONDAY_0830_BERLIN) == 1
    assert send_weekly_digests(MONDAY_0830_BERLIN.replace(hour=12)) == 0  # same week
    digest = OutboxMessage.objects.get(kind="coordinator_digest")
    assert digest.recipient == coordinator.email
    assert digest.subject == "Your programs this week: 1 thing needs you"
    assert "Pilot\n- 1 match is at risk: http" in digest.body_text
    assert "Nothing needs you in: Calm." in digest.body_text
    assert send_weekly_digests(datetime(2026, 12, 14, 8, tzinfo=UTC)) == 1  # next week


def test_no_digest_when_nothing_needs_them_and_the_job_is_registered(coordinator):
    ProgramFactory(status="active", coordinators=[coordinator])
    outcomes = run_due_jobs(
        now=MONDAY_0830_BERLIN, force=True, only=["insights.coordinator_digest"]
    )
    assert outcomes[0].ok and outcomes[0].result == "0 digests"
    assert not OutboxMessage.objects.exists()

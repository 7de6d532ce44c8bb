"""Issue 17: every coordinator or admin read of personal data is audited, lists and the API
included, with the filter used; the audit log's own reads are audited too."""

from __future__ import annotations

from tandem.audit.models import AuditEntry
from tests.conftest import client_for
from tests.factories import EnrolmentFactory, ProgramFactory


def last(action):
    return AuditEntry.objects.filter(action=action).order_by("-pk").first()


def test_directory_page_and_api_lists_are_audited_with_their_filters(admin, coordinator):
    client_for(coordinator).get("/people/", {"q": "ada", "level": "3"})
    entry = last("people.directory_viewed")
    assert entry is not None and "q=ada" in entry.data["filters"]
    assert client_for(admin).get("/api/people", {"level": 3}).status_code == 200
    entry = last("people.directory_listed")
    assert entry is not None and "level=3" in entry.data["filters"]


def test_the_kpi_api_is_audited_refused_or_not(coordinator):
    program = ProgramFactory(status="active", coordinators=[coordinator])
    EnrolmentFactory.create_batch(6, program=program)
    client = client_for(coordinator)
    client.get(f"/api/programs/{program.pk}/kpis")
    client.get(f"/api/programs/{program.pk}/kpis", {"level": 9})
    entries = AuditEntry.objects.filter(action="insights.kpis_read").order_by("pk")
    assert [(e.data["level"], e.data["refused"]) for e in entries] == [(None, False), (9, False)]


def test_reading_the_audit_log_is_itself_audited_and_admin_only(admin, coordinator):
    assert client_for(coordinator).get("/audit/").status_code == 403
    client_for(admin).get("/audit/", {"action": "people.person_viewed"})
    entry = last("audit.log_viewed")
    assert entry is not None and "action=people.person_viewed" in entry.data["filters"]

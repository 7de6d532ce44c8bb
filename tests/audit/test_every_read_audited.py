"""Issue 17: every coordinator/admin read of someone else's personal data leaves an audit entry.

The lists below cover every GET route of the access matrix (``tests/test_access.py``) that a
coordinator or an admin may open: a route is either a read of personal data (and must be
audited) or named in ``NOT_PERSONAL`` with the reason. A new route fails the completeness test
until someone decides which it is.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tandem.audit.models import AuditEntry
from tests import test_access
from tests.test_access import API, PAGES, _client

world = test_access.world  # the access matrix's world (a fixture), reused here

# Own data, configuration or aggregates only (aggregates pass through disclosure control).
NOT_PERSONAL = {
    # the viewer's own things
    "web:home",
    "people:me",
    "people:my_data",
    "accounts:tokens",
    "accounts:password_change",
    "accounts:password_change_done",
    "notify_prefs:preferences",
    "matches:mine",
    "feedback:mine",
    "feedback:respond",
    "programs:join",
    "relationships:calendar",
    "/api/me",
    "/api/me/notifications",
    "/api/me/surveys",
    "/api/matches",
    "/api/relationships",
    # configuration: programs, questionnaires, surveys, criteria, tokens, integrations
    "programs:list",
    "programs:create",
    "programs:detail",
    "programs:edit",
    "programs:questionnaire",
    "programs:question",
    "programs:cohort_upload",
    "feedback:program",
    "feedback:edit",
    "feedback:question",
    "matches:criteria",
    "people:import_upload",
    "people:retention",
    "sso:status",
    "scim_admin:tokens",
    "integrations:slack",
    "integrations:slack_channel",
    "integrations:teams_team",
    "integrations:teams",
    "integrations:teams_package",
    "matches:run_import",
    "/api/programs",
    "/api/programs/{program_id}",
    "/api/programs/{program_id}/questions",
    "/api/programs/{program_id}/criteria",
    "/api/programs/{program_id}/runs",
    "/api/runs/{run_id}",
    "/api/programs/{program_id}/surveys",
    "/api/programs/{program_id}/transition/{to}",
    # aggregates (counts, scores) only
    "matches:compare",
    "insights:organisation",
    "learning:usage",
    # the library and trainings: content and their configuration, or the viewer's own progress
    "learning:library",
    "learning:resource",
    "learning:resource_file",
    "learning:resource_new",
    "learning:resource_edit",
    "learning:trainings",
    "learning:training",
    "learning:training_new",
    "learning:training_edit",
    "/api/library",
    "/api/library/{resource_id}",
    "/api/me/trainings",
    # a program's shared spaces the viewer belongs to: what people chose to show everyone in it
    # (sessions and who signed up, threads and posts); forms and the viewer's own calendar file
    "community:sessions",
    "community:session",
    "community:session_new",
    "community:session_edit",
    "community:session_ics",
    "community:discussion",
    "community:thread",
    "community:thread_new",
    "community:post_report",
    "/api/sessions",
    "/api/sessions/{session_id}",
    "/api/programs/{program_id}/threads",
    "/api/threads/{thread_id}/posts",
}

# (role, route) reads of personal data; each must write an entry by that user.
PERSONAL_READS = [
    ("coordinator", "people:directory"),
    ("coordinator", "people:person"),
    ("coordinator", "programs:enrolments"),
    ("coordinator", "programs:named"),
    ("coordinator", "/api/programs/{program_id}/invitations"),
    ("coordinator", "learning:requirements"),
    ("coordinator", "community:reports"),
    ("coordinator", "programs:cohort_preview"),
    ("coordinator", "matches:program"),
    ("coordinator", "matches:run"),
    ("coordinator", "matches:fairness"),
    ("coordinator", "matches:relationship_end"),
    ("coordinator", "relationships:program_health"),
    ("coordinator", "insights:dashboard"),
    ("coordinator", "insights:export"),
    ("coordinator", "insights:report"),
    ("coordinator", "insights:report_pdf"),
    ("coordinator", "feedback:results"),
    ("coordinator", "feedback:results_export"),
    ("admin", "people:import_preview"),
    ("admin", "people:import_result"),
    ("admin", "people:erasures"),
    ("admin", "notify:outbox"),
    ("admin", "notify:message"),
    ("admin", "audit:log"),
    ("coordinator", "/api/people"),
    ("coordinator", "/api/people/{person_id}"),
    ("coordinator", "/api/programs/{program_id}/enrolments"),
    ("coordinator", "/api/runs/{run_id}/proposals"),
    ("coordinator", "/api/runs/{run_id}/unmatched"),
    ("coordinator", "/api/programs/{program_id}/rules"),
    ("coordinator", "/api/programs/{program_id}/health"),
    ("coordinator", "/api/programs/{program_id}/kpis"),
    ("coordinator", "/api/surveys/{survey_id}/results"),
    ("coordinator", "/api/sessions/{session_id}/rsvps"),
    ("admin", "/api/imports"),
    ("admin", "/api/imports/{batch_id}"),
]


def _readable_routes() -> set[str]:
    pages = {
        name
        for name, (method, expected) in PAGES.items()
        if method == "get" and 200 in (expected["coordinator"], expected["admin"])
    }
    api = {
        path
        for (method, path), expected in API.items()
        if method == "get" and 200 in (expected["coordinator"], expected["admin"])
    }
    return pages | api


def test_every_readable_route_is_decided():
    decided = NOT_PERSONAL | {route for _, route in PERSONAL_READS}
    assert sorted(_readable_routes() - decided) == []
    assert sorted(decided - _readable_routes()) == []


@pytest.mark.django_db
def test_every_personal_data_read_writes_an_audit_entry_with_its_filter(world):
    missing = []
    for role, route in PERSONAL_READS:
        user = world["users"][role]
        if route.startswith("/api/"):
            url = route.format(**world["api_ids"])
        else:
            url = reverse(route, kwargs=world["kwargs"].get(route))
        before = AuditEntry.objects.filter(actor=user).count()
        response = _client(world, role).get(url, {"filtered": "1"})
        assert response.status_code in (200, 409), (route, response.status_code)
        if AuditEntry.objects.filter(actor=user).count() == before:
            missing.append(f"{role} {route}")
    assert missing == []


@pytest.mark.django_db
def test_list_reads_record_the_filter_used(world):
    coordinator = world["users"]["coordinator"]
    client = _client(world, "coordinator")
    program_id = world["api_ids"]["program_id"]
    client.get(f"/api/programs/{program_id}/enrolments", {"status": "withdrawn"})
    entry = AuditEntry.objects.filter(action="programs.enrolments_listed").latest("pk")
    assert entry.actor == coordinator and "status=withdrawn" in entry.data["filters"]
    _client(world, "admin").get(reverse("notify:outbox"), {"q": "pat", "status": "failed"})
    entry = AuditEntry.objects.filter(action="notify.outbox_viewed").latest("pk")
    assert "q=pat" in entry.data["filters"] and "status=failed" in entry.data["filters"]

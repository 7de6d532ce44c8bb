"""scim2-tester, the python-scim project's conformance checker, against our /scim/v2/."""

from __future__ import annotations

import pytest
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from scim2_client.engines.wsgi import WSGISCIMClient
from scim2_tester import Status, check_server


@pytest.fixture
def in_process_wsgi():
    """Requests run in the test's transaction, as with Django's test client (which also keeps
    ``close_old_connections`` from closing the connection between requests)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_scim2_tester_finds_no_failure(scim_token, settings, in_process_wsgi):
    client = WSGISCIMClient(
        in_process_wsgi,
        base_url=f"{settings.SITE_URL}/scim/v2",
        headers={"Authorization": f"Bearer {scim_token}"},
    )
    results = check_server(client, raise_exceptions=False)
    failures = [
        f"{r.title} [{r.resource_type}]: {r.reason} {r.data!r:.400}"
        for r in results
        if r.status in (Status.ERROR, Status.CRITICAL)
    ]
    assert len(results) > 30
    assert not failures, "\n".join(failures)

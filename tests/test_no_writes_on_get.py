"""Reading is not writing: every GET page of the access matrix changes nothing in the database
(audit entries aside — some pages record who looked at whose data).

Covers the apps whose views follow the typed edge; programs and feedback join when theirs do.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.test_access import PAGES, _client, world  # noqa: F401  (world is a fixture)
from tests.writes import no_writes

APPS = (
    "web",
    "accounts",
    "people",
    "notify",
    "audit",
    "matches",
    "relationships",
    "insights",
    "integrations",
    "sso",
    "scim_admin",
    "learning",
    "community",
)
ALLOWED = ("participant", "coordinator", "admin")

GET_PAGES = sorted(
    name
    for name, (method, expected) in PAGES.items()
    if method == "get"
    and name.split(":")[0] in APPS
    and any(expected[role] == 200 for role in ALLOWED)
)


@pytest.mark.parametrize("name", GET_PAGES)
def test_a_get_page_writes_nothing(db, request, name):
    pages = request.getfixturevalue("world")
    _, expected = PAGES[name]
    role = next(role for role in ALLOWED if expected[role] == 200)
    client = _client(pages, role)  # signing in writes a session: before the check
    url = reverse(name, kwargs=pages["kwargs"].get(name))
    with no_writes():
        response = client.get(url)
    assert response.status_code == 200

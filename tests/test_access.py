"""Who may open what: every page and API endpoint × anonymous and each role.

The matrix must cover every route (a completeness test walks the URL resolver and the OpenAPI
document), so a new page without a row fails here until someone decides who may see it.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tandem.api import api
from tandem.notify.models import OutboxMessage
from tandem.people.models import ImportBatch
from tests.conftest import client_for

ROLES = ("anon", "participant", "outsider", "coordinator", "admin")
LOGIN = "login"

# url name -> (method, expected per role). "login" = redirect to the sign-in page.
PAGES = {
    "web:home": (
        "get",
        {"anon": LOGIN, "participant": 200, "outsider": 200, "coordinator": 200, "admin": 200},
    ),
    "people:directory": (
        "get",
        {"anon": LOGIN, "participant": 403, "outsider": 403, "coordinator": 200, "admin": 200},
    ),
    "people:me": (
        "get",
        {"anon": LOGIN, "participant": 200, "outsider": 200, "coordinator": 200, "admin": 200},
    ),
    "people:person": (
        "get",
        {"anon": LOGIN, "participant": 200, "outsider": 404, "coordinator": 200, "admin": 200},
    ),
    "people:import_upload": (
        "get",
        {"anon": LOGIN, "participant": 403, "outsider": 403, "coordinator": 403, "admin": 200},
    ),
    "people:import_preview": (
        "get",
        {"anon": LOGIN, "participant": 403, "outsider": 403, "coordinator": 403, "admin": 200},
    ),
    "people:import_result": (
        "get",
        {"anon": LOGIN, "participant": 403, "outsider": 403, "coordinator": 403, "admin": 200},
    ),
    "people:import_discard": (
        "post",
        {"anon": LOGIN, "participant": 403, "outsider": 403, "coordinator": 403, "admin": 302},
    ),
    "notify:outbox": (
        "get",
        {"anon": LOGIN, "participant": 403, "outsider": 403, "coordinator": 403, "admin": 200},
    ),
    "notify:message": (
        "get",
        {"anon": LOGIN, "participant": 403, "outsider": 403, "coordinator": 403, "admin": 200},
    ),
    "notify:retry": (
        "post",
        {"anon": LOGIN, "participant": 403, "outsider": 403, "coordinator": 403, "admin": 302},
    ),
    "audit:log": (
        "get",
        {"anon": LOGIN, "participant": 403, "outsider": 403, "coordinator": 403, "admin": 200},
    ),
    "accounts:tokens": (
        "get",
        {"anon": LOGIN, "participant": 200, "outsider": 200, "coordinator": 200, "admin": 200},
    ),
    "accounts:token_revoke": (
        "post",
        {"anon": LOGIN, "participant": 302, "outsider": 404, "coordinator": 404, "admin": 404},
    ),
    "accounts:password_change": (
        "get",
        {"anon": LOGIN, "participant": 200, "outsider": 200, "coordinator": 200, "admin": 200},
    ),
    "accounts:password_change_done": (
        "get",
        {"anon": LOGIN, "participant": 200, "outsider": 200, "coordinator": 200, "admin": 200},
    ),
}
# Public pages: the same answer for everyone.
PUBLIC = {
    "accounts:login",
    "accounts:logout",
    "accounts:invitation",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "api:openapi-json",
    "api:openapi-view",
}

# (method, path template) -> expected per role
API = {
    ("get", "/api/people"): {
        "anon": 401,
        "participant": 403,
        "outsider": 403,
        "coordinator": 200,
        "admin": 200,
    },
    ("get", "/api/people/{person_id}"): {
        "anon": 401,
        "participant": 200,
        "outsider": 404,
        "coordinator": 200,
        "admin": 200,
    },
    ("get", "/api/me"): {
        "anon": 401,
        "participant": 200,
        "outsider": 200,
        "coordinator": 200,
        "admin": 200,
    },
    ("patch", "/api/me"): {
        "anon": 401,
        "participant": 200,
        "outsider": 200,
        "coordinator": 200,
        "admin": 200,
    },
    ("post", "/api/imports"): {
        "anon": 401,
        "participant": 403,
        "outsider": 403,
        "coordinator": 403,
        "admin": 200,
    },
    ("get", "/api/imports"): {
        "anon": 401,
        "participant": 403,
        "outsider": 403,
        "coordinator": 403,
        "admin": 200,
    },
    ("get", "/api/imports/{batch_id}"): {
        "anon": 401,
        "participant": 404,
        "outsider": 404,
        "coordinator": 404,
        "admin": 200,
    },
}


@pytest.fixture
def world(admin, coordinator, participant, outsider):
    from tandem.accounts.services import api_token_create

    batch = ImportBatch.objects.create(
        created_by=admin,
        file_name="p.csv",
        file_size=20,
        sha256="0" * 64,
        content=b"Email,Name\nx@y.test,X\n",
    )
    applied = ImportBatch.objects.create(
        created_by=admin, file_name="done.csv", file_size=1, sha256="1" * 64, status="applied"
    )
    message = OutboxMessage.objects.create(
        event_key="e", recipient="x@y.test", kind="invitation", subject="s", body_text="b"
    )
    token, _ = api_token_create(user=participant, name="mine")
    users = {
        "participant": participant,
        "outsider": outsider,
        "coordinator": coordinator,
        "admin": admin,
    }
    return {
        "users": users,
        "kwargs": {
            "people:person": {"person_id": participant.person.pk},
            "people:import_preview": {"batch_id": batch.pk},
            "people:import_result": {"batch_id": applied.pk},
            "people:import_discard": {"batch_id": batch.pk},
            "notify:message": {"message_id": message.pk},
            "accounts:token_revoke": {"token_id": token.pk},
        },
        "api_ids": {"person_id": participant.person.pk, "batch_id": applied.pk},
    }


def _client(world, role: str) -> Client:
    return Client() if role == "anon" else client_for(world["users"][role])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_access(world, name, role):
    method, expected = PAGES[name]
    url = reverse(name, kwargs=world["kwargs"].get(name))
    response = getattr(_client(world, role), method)(url)
    if expected[role] == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == expected[role], f"{role} {method.upper()} {url}"


def _api_payload(method: str, path: str) -> dict:
    if path == "/api/imports":
        from django.core.files.uploadedfile import SimpleUploadedFile

        return {
            "data": {
                "file": SimpleUploadedFile("p.csv", b"Email,Name\nnew@y.test,New\n"),
                "dry_run": "true",
            }
        }
    if method == "patch":
        return {"data": {"goals": "Learn to delegate"}, "content_type": "application/json"}
    return {}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path"), sorted(API))
def test_api_access(world, method, path, role):
    url = path.format(**world["api_ids"])
    response = getattr(_client(world, role), method)(url, **_api_payload(method, path))
    assert response.status_code == API[(method, path)][role], response.content[:300]


def _named_routes(resolver: URLResolver, prefix: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= _named_routes(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


def test_every_page_has_an_access_rule():
    routes = {n for n in _named_routes(get_resolver()) if not n.startswith("api:") or n in PUBLIC}
    api_operations = {n for n in _named_routes(get_resolver()) if n.startswith("api:")} - PUBLIC
    assert api_operations, "the API routes were not found"
    missing = routes - set(PAGES) - PUBLIC
    assert not missing, f"pages without an access rule: {sorted(missing)}"


def test_every_api_operation_has_an_access_rule():
    schema = api.get_openapi_schema()
    operations = {(m, p) for p, methods in schema["paths"].items() for m in methods}
    assert operations == set(API)

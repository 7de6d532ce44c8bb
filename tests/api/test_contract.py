"""The contract the API publishes: every status an operation can answer is declared, every error
has the one envelope, success bodies are typed schemas, and endpoints hold no queries.

Responses themselves are checked against the document on every API call in the suite
(``tests/openapi.py``); these tests check the document and the code that produces it.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from django.test import Client

import tandem
from tandem.api import api
from tests.conftest import client_for

UNSAFE = {"post", "put", "patch", "delete"}
ERROR_ENVELOPE = "#/components/schemas/ErrorOut"


def published() -> dict:
    """The document as served (JSON: status codes are strings)."""
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/")))


def operations() -> list:
    document = published()
    found = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            found.append(pytest.param(path, method, operation, id=f"{method} {path}"))
    return found


def _schema(response: dict) -> dict | None:
    return response.get("content", {}).get("application/json", {}).get("schema")


@pytest.mark.parametrize(("path", "method", "operation"), operations())
def test_every_status_an_operation_can_answer_is_declared(path, method, operation):
    declared = set(operation["responses"])
    expected = {"401"}  # every operation needs a signed-in user or a token
    if method in UNSAFE:
        expected.add("403")  # a browser session's write without the CSRF token
    parameters = operation.get("parameters", [])
    if any(p["in"] == "path" for p in parameters):
        expected.add("404")  # a missing or foreign id
    if "requestBody" in operation or any(p["in"] == "query" for p in parameters):
        expected.add("422")  # a body or query string that does not fit the schema
    assert expected <= declared, f"undeclared: {sorted(expected - declared)}"


@pytest.mark.parametrize(("path", "method", "operation"), operations())
def test_errors_have_one_envelope_and_successes_a_typed_schema(path, method, operation):
    for status, response in operation["responses"].items():
        schema = _schema(response)
        if status.startswith(("4", "5")):
            assert schema == {"$ref": ERROR_ENVELOPE}, status
        elif status == "204":
            assert schema is None
        else:
            body = schema.get("items", schema) if schema.get("type") == "array" else schema
            assert "$ref" in body, f"{status}: a free-form body {json.dumps(schema)[:200]}"


def test_the_envelope_lists_every_key_of_every_problem():
    document = published()
    schemas = document["components"]["schemas"]
    assert set(schemas["ErrorOut"]["required"]) == {"detail", "errors"}
    assert set(schemas["FieldErrorOut"]["required"]) == {"message", "field", "row", "value"}


def test_sign_in_csrf_and_schema_failures_answer_with_the_envelope(participant):
    anonymous = Client().get("/api/me")
    assert anonymous.status_code == 401
    assert anonymous.json() == {"detail": "Sign in, or send a valid API token.", "errors": []}

    session = Client(enforce_csrf_checks=True)
    session.force_login(participant)
    refused = session.patch("/api/me", {"goals": "x"}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json() == {"detail": "CSRF check failed.", "errors": []}

    client = client_for(participant)
    wrong = client.post(
        "/api/programs", {"name": 7, "kind": "nope"}, content_type="application/json"
    )
    assert wrong.status_code == 422
    body = wrong.json()
    assert body["detail"] == "The request does not fit the API."
    assert {e["field"] for e in body["errors"]} == {"name", "kind"}
    assert all(set(e) == {"message", "field", "row", "value"} for e in body["errors"])


def test_a_missing_id_answers_with_the_envelope(coordinator):
    response = client_for(coordinator).get("/api/programs/999999")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": []}


SOURCE = Path(tandem.__file__).parent
API_MODULES = [*sorted(SOURCE.glob("*/api.py")), SOURCE / "api.py"]
QUERY_METHODS = {"filter", "exclude", "get", "create", "update", "delete", "count", "exists"}


@pytest.mark.parametrize("module", API_MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_endpoints_hold_no_queries(module):
    """Reads go through selectors and writes through services (zulip's rule for views): an
    ``.objects`` manager or a queryset method called in an API module is a query in the wrong
    place."""
    tree = ast.parse(module.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            found.append(f"line {node.lineno}: .objects")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in QUERY_METHODS
            and isinstance(node.func.value, ast.Call | ast.Attribute)
            and getattr(node.func.value, "attr", None) != "GET"
        ):
            found.append(f"line {node.lineno}: .{node.func.attr}()")
    assert not found, found

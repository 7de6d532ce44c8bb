"""The API keeps the contract it publishes: every API response a test receives through Django's
test client is checked against its operation in ``/api/openapi.json`` — the status code must be
declared and the body must match the declared schema (zulip checks its API the same way).

``tests/conftest.py`` switches this on for every test; nothing needs to be called by hand.
"""

from __future__ import annotations

from functools import cache

from django.http import HttpResponse
from django.http.request import RawPostDataException
from django.test import Client
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse

DOCUMENT = "/api/openapi.json"
NOT_OPERATIONS = (DOCUMENT, "/api/docs")


@cache
def published_document() -> OpenAPI:
    """The document as the API serves it (read once per test process)."""
    response = Client().get(DOCUMENT)
    assert response.status_code == 200, response.content[:300]
    return OpenAPI.from_dict(response.json())


class _Request(DjangoOpenAPIRequest):
    """A request already handled: an upload's body was read as a stream and cannot be read
    again (the response check does not need it)."""

    @property
    def body(self) -> bytes:
        try:
            return super().body
        except RawPostDataException:
            return b""


def is_api_call(path: str) -> bool:
    return path.startswith("/api/") and not path.startswith(NOT_OPERATIONS)


def check_response(response: HttpResponse) -> None:
    """Raise ``AssertionError`` naming the operation when ``response`` breaks the contract."""
    request = response.wsgi_request  # type: ignore[attr-defined]
    if not is_api_call(request.path):
        return
    try:
        published_document().validate_response(_Request(request), DjangoOpenAPIResponse(response))
    except Exception as exc:  # openapi-core raises a family of errors; all are contract breaks
        raise AssertionError(
            f"{request.method} {request.path} answered {response.status_code}, which breaks "
            f"the published OpenAPI document: {_describe(exc)}\n"
            f"body: {response.content[:500]!r}"
        ) from exc


def _describe(exc: BaseException) -> str:
    """openapi-core wraps the schema errors; show each one with where it is in the body."""
    details = [f"{type(exc).__name__}: {exc}"]
    cause = exc.__cause__
    for error in getattr(cause, "schema_errors", None) or []:
        where = "/".join(str(p) for p in error.absolute_path) or "(body)"
        details.append(f"  at {where}: {error.message}")
    if cause is not None and not getattr(cause, "schema_errors", None):
        details.append(f"  {type(cause).__name__}: {cause}")
    return "\n".join(details)

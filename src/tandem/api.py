"""The REST API: one NinjaAPI, routers from each app, one error envelope.

Browsers use their session (CSRF checked); clients send ``Authorization: Bearer tdm_…``.
Every endpoint applies the same selectors and services as the pages, so permissions match.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import APIKeyCookie, HttpBearer

from tandem.accounts.services import user_for_api_token
from tandem.community.api import router as community_router
from tandem.core.errors import ApplicationError, FieldError
from tandem.feedback.api import router as feedback_router
from tandem.insights.api import router as insights_router
from tandem.learning.api import router as learning_router
from tandem.matches.api import router as matches_router
from tandem.notify.api import router as notify_router
from tandem.people.api import router as people_router
from tandem.programs.api import router as programs_router
from tandem.relationships.api import router as relationships_router


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_api_token(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser's session; ninja checks the CSRF token for unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user if request.user.is_authenticated else None


#: What the framework itself answers before an endpoint runs, by what the operation takes: every
#: status an operation can return is documented with the error envelope (issue 18).
_FRAMEWORK_ERRORS = {
    401: "Not signed in, or the token is unknown or revoked.",
    403: "A browser session's write without the CSRF token, or not allowed.",
    400: "The body is not valid JSON.",
    404: "No such object for you (foreign ids look exactly like missing ones).",
    422: "The request does not fit the schema: one problem per bad input.",
}
_UNSAFE = {"post", "put", "patch", "delete"}


def _framework_statuses(method: str, operation: dict[str, Any]) -> set[int]:
    parameters = operation.get("parameters", [])
    statuses = {401}
    if method in _UNSAFE:
        statuses.add(403)
    if "requestBody" in operation:
        statuses |= {400, 422}
    if any(p.get("in") == "path" for p in parameters):
        statuses |= {404, 422}
    if any(p.get("in") == "query" for p in parameters):
        statuses.add(422)
    return statuses


class ObjectBodies(Parser):
    """Every request body of this API is a JSON object: an array or a bare value is refused
    (400, the envelope) instead of being read as an object with every key left out."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise ValueError("The body must be a JSON object.")
        return data


class TandemAPI(NinjaAPI):
    """The API whose document lists, for every operation, the statuses the framework answers on
    its own (bad JSON, a path id that is not an integer, CSRF) besides those it declares."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        envelope = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for methods in document.get("paths", {}).values():
            for method, operation in methods.items():
                responses = operation.setdefault("responses", {})
                for status in sorted(_framework_statuses(method, operation)):
                    if status not in responses and str(status) not in responses:
                        responses[status] = {
                            "description": _FRAMEWORK_ERRORS[status],
                            "content": envelope,
                        }
        return document


api = TandemAPI(
    title="Tandem API",
    version="1",
    description="Peer mentoring programs: people, imports and (as they land) programs and matches.",
    urls_namespace="api",
    auth=[BearerTokenAuth(), SessionAuth()],
    docs_url="/docs",
    parser=ObjectBodies(),
)


def _envelope(
    request: HttpRequest, status: int, detail: str, errors: list[FieldError] | None = None
) -> HttpResponse:
    """The one error shape (``tandem.core.schemas.ErrorOut``): every key of every problem is
    present, ``null`` when it does not apply."""
    problems = [
        {"message": e.message, "field": e.field, "row": e.row, "value": e.value}
        for e in errors or []
    ]
    return api.create_response(request, {"detail": detail, "errors": problems}, status=status)


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    status = 422 if exc.status == 400 and exc.errors else exc.status
    return _envelope(request, status, exc.message, exc.errors)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _envelope(request, 403, "You do not have permission to do that.")


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _envelope(request, 404, "Not found.")


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Sign-in (401) and CSRF (403) failures raised by ninja itself."""
    detail = {401: "Sign in, or send a valid API token.", 403: "CSRF check failed."}.get(
        exc.status_code, exc.message
    )
    return _envelope(request, exc.status_code, detail)


@api.exception_handler(ValidationError)
def invalid_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A request that does not fit the operation's schema: one problem per bad input, named by
    its place in the body or the query string."""
    problems = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ())]
        if location[:1] == ["body"] and len(location) > 1:
            location = location[2:]  # ["body", "payload", "field", …] → "field.…"
        elif location[:1] in (["query"], ["path"], ["form"], ["file"]):
            location = location[1:]
        problems.append(
            FieldError(str(error.get("msg", "Invalid.")), field=".".join(location) or None)
        )
    return _envelope(request, 422, "The request does not fit the API.", problems)


for router in (
    people_router,
    programs_router,
    matches_router,
    relationships_router,
    insights_router,
    feedback_router,
    notify_router,
    learning_router,
    community_router,
):
    api.add_router("/", router)

"""The REST API: one NinjaAPI, routers from each app, one error envelope.

Browsers use their session (CSRF checked); clients send ``Authorization: Bearer tdm_…``.
Every endpoint applies the same selectors and services as the pages, so permissions match.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import APIKeyCookie, HttpBearer

from tandem.accounts.services import user_for_api_token
from tandem.core.errors import ApplicationError
from tandem.feedback.api import router as feedback_router
from tandem.insights.api import router as insights_router
from tandem.matches.api import router as matches_router
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


api = NinjaAPI(
    title="Tandem API",
    version="1",
    description="Peer mentoring programs: people, imports and (as they land) programs and matches.",
    urls_namespace="api",
    auth=[BearerTokenAuth(), SessionAuth()],
    docs_url="/docs",
)


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    status = 422 if exc.status == 400 and exc.errors else exc.status
    return api.create_response(
        request,
        {"detail": exc.message, "errors": [e.as_dict() for e in exc.errors]},
        status=status,
    )


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(
        request, {"detail": "You do not have permission to do that.", "errors": []}, status=403
    )


for router in (
    people_router,
    programs_router,
    matches_router,
    relationships_router,
    insights_router,
    feedback_router,
):
    api.add_router("/", router)

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from tandem.core.errors import ApplicationError
from tandem.people.selectors import person_timezone
from tandem.web import errors


class NoStoreMiddleware:
    """Pages shown to a signed-in person hold personal data: never keep them in shared caches."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated and not request.path.startswith("/static/"):
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, private"
        return response


class ApplicationErrorMiddleware:
    """Business-rule errors raised in a view become the matching error page (foreign ids: 404)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ApplicationError) or request.path.startswith("/api/"):
            return None
        if exception.status == 404:
            return errors.page_not_found(request)
        if exception.status == 403:
            return errors.permission_denied(request)
        return None


class PersonTimezoneMiddleware:
    """Show every time in the signed-in person's own time zone (from the people directory).

    Stored times are UTC; without this a participant in Singapore would read a 14:00 meeting as
    06:00. Anonymous visitors and people without a directory entry keep the site default.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = _person_zone(request) if request.user.is_authenticated else None
        if zone is None:
            return self.get_response(request)
        with timezone.override(zone):
            return self.get_response(request)


def _person_zone(request: HttpRequest) -> ZoneInfo | None:
    name = person_timezone(request.user.pk)
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None

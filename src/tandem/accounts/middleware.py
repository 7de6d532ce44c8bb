from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

SEEN_RESOLUTION = 60


class SessionTimeoutMiddleware:
    """Ends a signed-in session after the idle timeout or the absolute lifetime, whichever is first.

    "Last seen" is written at most once a minute so ordinary page views do not write the session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.get("tandem_started", now)
            seen = request.session.get("tandem_seen", now)
            idle = settings.TANDEM_SESSION_IDLE_SECONDS
            if now - seen > idle or now - started > settings.SESSION_COOKIE_AGE:
                logout(request)
            elif now - seen > SEEN_RESOLUTION:
                request.session["tandem_seen"] = now
        return self.get_response(request)

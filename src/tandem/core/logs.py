"""JSON logs (``LOG_FORMAT=json``): one object per line for log collectors, and one line per
request with its id, route, status and duration.

The standard library is enough here (a formatter of a few lines); a library such as
python-json-logger would add a dependency without removing any of the choices below. Only the
record's message and a fixed list of fields are written — never a record's other attributes
(Django attaches the whole request to some records), request bodies, headers, query strings or
settings — and long path segments (reset tokens, signed links) are masked.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

# Fields a record may carry (``logger.info(..., extra={...})``) that are written as they are.
FIELDS = ("request_id", "method", "route", "path", "status", "duration_ms", "user_id")
_LONG_SEGMENT = re.compile(r"[^/]{20,}")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

request_logger = logging.getLogger("tandem.request")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            value = record.__dict__.get(name)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def safe_path(path: str) -> str:
    """The path with every segment of 20 characters or more masked (tokens live there)."""
    return _LONG_SEGMENT.sub("…", path)[:300]


class RequestLogMiddleware:
    """One ``tandem.request`` line per request; the id comes from the proxy's ``X-Request-ID``
    when it is a plain token, or is made here, and is sent back in the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        if request_logger.isEnabledFor(logging.INFO):
            match = getattr(request, "resolver_match", None)
            request_logger.info(
                "%s %s %s",
                request.method,
                safe_path(request.path),
                response.status_code,
                extra={
                    "request_id": request_id,
                    "method": request.method,
                    "route": f"/{match.route}" if match is not None else None,
                    "path": safe_path(request.path),
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": _user_id(request),
                },
            )
        return response


def _user_id(request: HttpRequest) -> int | None:
    """The signed-in person's id, if the request already looked them up (no extra query)."""
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty or not user.is_authenticated:
        return None
    return int(user.pk)

"""An optional read replica for reports (issue 19, scaling step 3).

With ``DATABASE_REPLICA_URL`` set, the settings add a database alias ``replica`` and
:class:`ReplicaRouter`. Views decorated with :func:`reads_from_replica` (insights dashboards,
KPIs, reports and exports) then read from it; everything else, and every write, uses the primary.

Read-your-writes: :class:`RecentWriteMiddleware` stamps the session of a signed-in person whose
request changed something (a successful POST, PUT, PATCH or DELETE); for ``REPLICA_STICKY_SECONDS``
after that stamp their reads stay on the primary, so what they just did is on the page even when
the replica lags. Reads inside a transaction also stay on the primary.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
WROTE_AT = "tandem_wrote_at"  # session key: when this person last changed something (epoch s)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

_use_replica: ContextVar[bool] = ContextVar("tandem_use_replica", default=False)

View = TypeVar("View", bound=Callable[..., Any])


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def wrote_recently(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    if session is None:
        return False
    stamp = session.get(WROTE_AT)
    return isinstance(stamp, int | float) and time.time() - stamp < settings.REPLICA_STICKY_SECONDS


@contextmanager
def replica_reads(request: HttpRequest) -> Iterator[None]:
    """Reads in this block go to the replica, unless the person wrote a moment ago."""
    if not replica_configured() or wrote_recently(request):
        yield
        return
    token = _use_replica.set(True)
    try:
        yield
    finally:
        _use_replica.reset(token)


def reads_from_replica(view: View) -> View:
    """Serve this read-only view from the replica (see :func:`replica_reads`)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        with replica_reads(request):
            return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class ReplicaRouter:
    """Reads inside a :func:`reads_from_replica` view go to the replica; writes never do."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        if not _use_replica.get() or not replica_configured():
            return None
        if connections["default"].in_atomic_block:  # a transaction reads what it writes
            return None
        return REPLICA

    def db_for_write(self, model: type, **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the same data: the replica is a copy of the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db != REPLICA


class RecentWriteMiddleware:
    """Stamp the session after a successful change by a signed-in person (read-your-writes)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.method not in SAFE_METHODS
            and response.status_code < 400
            and replica_configured()
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
            and getattr(request, "session", None) is not None
            and request.session.session_key  # a browser session, not an API token
        ):
            request.session[WROTE_AT] = int(time.time())
        return response

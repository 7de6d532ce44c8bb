"""Operational endpoints: ``/health/`` for load balancers and monitors, ``/metrics`` in the
Prometheus text format behind a token (``METRICS_TOKEN``; without it the page does not exist).

Both only read. ``/health/`` answers 200 when the database answers and every migration is
applied, 503 otherwise; the task queue and the outbox are reported (their age is for alerts,
not for taking the instance out of rotation).
"""

from __future__ import annotations

import hmac
import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count, Min
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tandem.notify.models import OutboxMessage, Status

_requests: Counter[str] = Counter()
_lock = threading.Lock()


class CountResponses:
    """Middleware: responses by status code, for ``tandem_http_responses_total``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        with _lock:
            _requests[str(response.status_code)] += 1
        return response


def _age(since: datetime | None, now: datetime) -> float | None:
    return None if since is None else max(0.0, (now - since).total_seconds())


def _migrations_pending() -> int:
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _tasks(now: datetime) -> dict[str, Any]:
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    found = waiting.aggregate(n=Count("id"), oldest=Min("enqueued_at"))
    return {"waiting": found["n"], "oldest_age_seconds": _age(found["oldest"], now)}


def _outbox(now: datetime) -> dict[str, Any]:
    pending = OutboxMessage.objects.filter(status__in=[Status.PENDING, Status.SENDING])
    found = pending.aggregate(n=Count("id"), oldest=Min("created_at"))
    failed = dict(
        OutboxMessage.objects.filter(status=Status.FAILED)
        .values_list("channel")
        .annotate(n=Count("id"))
        .values_list("channel", "n")
    )
    return {
        "undelivered": found["n"],
        "oldest_undelivered_age_seconds": _age(found["oldest"], now),
        "failed_by_channel": failed,
    }


def snapshot() -> tuple[bool, dict[str, Any]]:
    """Whether this instance can serve, and the figures behind it."""
    now = timezone.now()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        pending = _migrations_pending()
    except DatabaseError as exc:
        return False, {"database": f"unavailable: {type(exc).__name__}"}
    figures: dict[str, Any] = {"database": "ok", "migrations_pending": pending}
    figures["tasks"] = _tasks(now)
    figures["outbox"] = _outbox(now)
    return pending == 0, figures


@never_cache
@require_GET
def health_view(request: HttpRequest) -> JsonResponse:
    ok, figures = snapshot()
    return JsonResponse(
        {"status": "ok" if ok else "unavailable", **figures}, status=200 if ok else 503
    )


def _line(name: str, value: float | None, labels: str = "") -> str:
    return (
        f"{name}{{{labels}}} {value if value is not None else 0}"
        if labels
        else (f"{name} {value if value is not None else 0}")
    )


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    expected = settings.TANDEM_METRICS_TOKEN
    if not expected:
        raise Http404("Metrics are off; set METRICS_TOKEN to switch them on.")
    given = request.META.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return HttpResponse(
            "A valid metrics token is required.\n",
            status=401,
            content_type="text/plain; charset=utf-8",
        )
    ok, figures = snapshot()
    tasks, outbox = figures.get("tasks", {}), figures.get("outbox", {})
    lines = [
        "# HELP tandem_up 1 when the database answers and every migration is applied.",
        "# TYPE tandem_up gauge",
        _line("tandem_up", 1 if ok else 0),
        "# HELP tandem_tasks_waiting Tasks enqueued and not started.",
        "# TYPE tandem_tasks_waiting gauge",
        _line("tandem_tasks_waiting", tasks.get("waiting")),
        "# TYPE tandem_tasks_oldest_age_seconds gauge",
        _line("tandem_tasks_oldest_age_seconds", tasks.get("oldest_age_seconds")),
        "# HELP tandem_outbox_undelivered Messages waiting to be sent or being sent.",
        "# TYPE tandem_outbox_undelivered gauge",
        _line("tandem_outbox_undelivered", outbox.get("undelivered")),
        "# TYPE tandem_outbox_oldest_undelivered_age_seconds gauge",
        _line(
            "tandem_outbox_oldest_undelivered_age_seconds",
            outbox.get("oldest_undelivered_age_seconds"),
        ),
        "# HELP tandem_outbox_failed Messages given up on, by channel.",
        "# TYPE tandem_outbox_failed gauge",
    ]
    for channel, n in sorted(outbox.get("failed_by_channel", {}).items()):
        lines.append(_line("tandem_outbox_failed", n, f'channel="{channel}"'))
    lines += [
        "# HELP tandem_http_responses_total Responses by status code since this process started.",
        "# TYPE tandem_http_responses_total counter",
    ]
    with _lock:
        counts = sorted(_requests.items())
    lines += [_line("tandem_http_responses_total", n, f'code="{code}"') for code, n in counts]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; version=0.0.4")

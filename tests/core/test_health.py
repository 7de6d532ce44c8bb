"""``/health/`` for load balancers and ``/metrics`` for Prometheus (issue 18)."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from tandem.notify.models import OutboxMessage, Status
from tests.writes import no_writes


def _message(status: str, *, age_minutes: int = 0, channel: str = "email") -> OutboxMessage:
    return OutboxMessage.objects.create(
        event_key=f"e-{OutboxMessage.objects.count()}",
        channel=channel,
        recipient="ada@example.com",
        kind="test",
        subject="Hello",
        body_text="Hello",
        status=status,
        created_at=timezone.now() - timedelta(minutes=age_minutes),
    )


def test_health_reports_database_migrations_tasks_and_outbox(db):
    _message(Status.PENDING, age_minutes=30)
    _message(Status.PENDING, age_minutes=5)
    _message(Status.SENT, age_minutes=90)
    with no_writes():
        response = Client().get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["migrations_pending"] == 0
    assert body["tasks"]["waiting"] == 0
    assert body["outbox"]["undelivered"] == 2
    assert 29 * 60 <= body["outbox"]["oldest_undelivered_age_seconds"] <= 31 * 60
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_health_is_unavailable_with_migrations_pending(db, monkeypatch):
    from tandem.web import health

    monkeypatch.setattr(health, "_migrations_pending", lambda: 3)
    response = Client().get("/health/")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["migrations_pending"] == 3


def test_metrics_need_the_token_and_speak_prometheus(db, settings):
    settings.TANDEM_METRICS_TOKEN = ""
    assert Client().get("/metrics").status_code == 404
    settings.TANDEM_METRICS_TOKEN = "s3cret-metrics"
    assert Client().get("/metrics").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer wrong").get("/metrics").status_code == 401
    _message(Status.FAILED, channel="slack")
    _message(Status.PENDING)
    Client().get("/health/")
    response = Client(HTTP_AUTHORIZATION="Bearer s3cret-metrics").get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.content.decode()
    assert "tandem_up 1" in text
    assert "tandem_outbox_undelivered 1" in text
    assert 'tandem_outbox_failed{channel="slack"} 1' in text
    assert 'tandem_http_responses_total{code="200"}' in text
    assert 'tandem_http_responses_total{code="401"}' in text

"""Notifications for one coffee-rotation round of N people: enqueue (preferences applied: channel
per category with Slack falling back to email, quiet hours, digest) and deliver them by email
through a real local SMTP server (aiosmtpd) — the path every installation without a chat app takes.

Prints ``messages, enqueue_seconds, deliver_seconds, per_second`` (the Slack helper measures the
Slack side against its stand-in).
"""

from __future__ import annotations

import random
import socket
import time
from datetime import time as clock

from benchmarks.bench_import import people_csv
from benchmarks.django_env import drop_database, setup_django
from benchmarks.measure import measure

CASES = [("round_messages", [1_000]), ("round_messages_pg", [1_000])]


class _Sink:
    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.received += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _preferences(user_ids: list[int]) -> None:
    from tandem.notify.models import NotificationPreference

    rng = random.Random(3)
    rows = []
    for uid in user_ids:
        roll = rng.random()
        if roll < 0.2:
            rows.append(NotificationPreference(user_id=uid, channels={"matches": "slack"}))
        elif roll < 0.3:
            rows.append(
                NotificationPreference(
                    user_id=uid,
                    quiet_start=clock(20),
                    quiet_end=clock(8),
                    working_days=[0, 1, 2, 3, 4],
                )
            )
    NotificationPreference.objects.bulk_create(rows)


def _enqueue_round(users: list) -> int:  # type: ignore[type-arg]
    from django.db import transaction

    from tandem.notify.messages import Button, Message
    from tandem.notify.outbox import enqueue, message_email

    with transaction.atomic():
        emails = [
            message_email(
                Message(
                    kind="match_proposed",
                    category="matches",
                    title="Your coffee partner this round",
                    text=f"This round you meet *{partner.name}*. Say hello and pick a time.",
                    buttons=(
                        Button("Suggest times", "bench.noop", str(user.pk), style="primary"),
                        Button("Skip next round", "rotation.snooze", "1:1"),
                    ),
                    link_url="https://tandem.example/matches/",
                ),
                to=user,
                event_key=f"bench-round:1:{user.pk}",
            )
            for user, partner in zip(users, users[1:] + users[:1], strict=True)
        ]
        return enqueue(emails)


def _deliver_all() -> int:
    from tandem.notify.outbox import deliver_due

    sent = 0
    while True:
        report = deliver_due(worker_id="bench", batch_size=200)
        sent += len(report.sent)
        if report.handled == 0:
            return sent


def run_case(case: str, n: int) -> dict[str, object]:
    from aiosmtpd.controller import Controller

    database = setup_django(postgres=case.endswith("_pg"))
    from django.conf import settings
    from django.utils import timezone

    from tandem.accounts.models import User
    from tandem.notify.models import OutboxMessage, Status
    from tandem.people.services import import_people

    sink = _Sink()
    port = _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.TANDEM_IMPORT_MAX_ROWS = max(settings.TANDEM_IMPORT_MAX_ROWS, n)
    try:
        import_people(data=people_csv(n), file_name="people.csv", actor=None)
        users = list(User.objects.filter(email__endswith="@bench.example").order_by("pk"))
        _preferences([u.pk for u in users])
        enqueued = measure(lambda: _enqueue_round(users))
        # deliver everything now, including what quiet hours postponed
        OutboxMessage.objects.filter(status=Status.PENDING).update(next_attempt_at=timezone.now())
        delivered = measure(_deliver_all)
        deadline = time.monotonic() + 10
        while sink.received < delivered.value and time.monotonic() < deadline:
            time.sleep(0.05)
        fallbacks = OutboxMessage.objects.exclude(fallback_reason="").count()
        return {
            "case": case,
            "database": database,
            "n": n,
            "messages": enqueued.value,
            "fell_back_to_email": fallbacks,
            "enqueue_seconds": enqueued.seconds,
            "deliver_seconds": delivered.seconds,
            "delivered": delivered.value,
            "smtp_received": sink.received,
            "per_second": round(delivered.value / max(delivered.seconds, 1e-9), 1),
            "peak_mb": max(enqueued.peak_mb, delivered.peak_mb),
        }
    finally:
        controller.stop()
        drop_database()

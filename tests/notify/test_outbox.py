"""The outbox: written with the event, delivered later, each message exactly once."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from tandem.notify.models import OutboxMessage, Status
from tandem.notify.outbox import deliver_due, enqueue, render_email


def make_email(n: int, recipient: str | None = None):
    return render_email(
        "password_reset",
        templates="accounts/email",
        event_key=f"test-event:{n}",
        recipient=recipient or f"person{n}@example.com",
        context={"reset_url": f"https://tandem.test/reset/{n}/"},
    )


def write(*emails) -> None:
    with transaction.atomic():
        enqueue(emails)


@dataclass
class SmtpSink:
    """A real SMTP server (aiosmtpd) whose answers the test controls."""

    refuse_first: int = 0
    hold_message: int | None = None  # 1-based number of the DATA command to stall
    received: list = field(default_factory=list)
    data_commands: int = 0
    holding: bool = False
    release: bool = False
    delay: float = 0.0  # seconds before each answer (a slow mail server)

    async def handle_DATA(self, server, session, envelope):
        self.data_commands += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.hold_message == self.data_commands:
            self.holding = True
            while not self.release:
                await asyncio.sleep(0.05)
            return "451 4.3.0 connection lost"
        if self.data_commands <= self.refuse_first:
            return "451 4.3.0 Mailbox busy, try again later"
        self.received.append(message_from_bytes(envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    sink = SmtpSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    sink.port = port
    yield sink
    sink.release = True
    controller.stop()


def test_a_rolled_back_transaction_sends_nothing(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue([make_email(1)])
        raise RuntimeError("the event failed")
    assert OutboxMessage.objects.count() == 0
    assert deliver_due(worker_id="t").handled == 0


@pytest.mark.django_db(transaction=True)
def test_enqueue_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        enqueue([make_email(1)])


def test_the_same_event_is_written_once(db):
    write(make_email(1))
    write(make_email(1))
    assert OutboxMessage.objects.count() == 1


def test_smtp_refusing_then_accepting_receives_exactly_one_copy_of_each(db, smtp):
    smtp.refuse_first = 3
    write(*(make_email(n) for n in range(3)))

    first = deliver_due(worker_id="w1")
    assert len(first.retrying) == 3 and not smtp.received
    waiting = OutboxMessage.objects.get(event_key="test-event:0")
    assert waiting.status == Status.PENDING and waiting.attempts == 1
    assert "451" in waiting.last_error
    assert waiting.next_attempt_at > timezone.now() + timedelta(seconds=20)  # backed off

    assert deliver_due(worker_id="w1").handled == 0  # not due yet
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    second = deliver_due(worker_id="w1")
    assert len(second.sent) == 3
    assert deliver_due(worker_id="w1", now=timezone.now() + timedelta(days=1)).handled == 0

    recipients = sorted(m["To"] for m in smtp.received)
    assert recipients == ["person0@example.com", "person1@example.com", "person2@example.com"]
    message = smtp.received[0]
    assert message.is_multipart()
    parts = {part.get_content_type() for part in message.walk()}
    assert {"text/plain", "text/html"} <= parts
    assert message["Message-ID"] == OutboxMessage.objects.get(recipient=message["To"]).message_id


def test_backoff_grows_and_gives_up_after_the_last_attempt(db, settings):
    settings.EMAIL_BACKEND = "tests.notify.test_outbox.RefusingBackend"
    settings.TANDEM_OUTBOX_MAX_ATTEMPTS = 3
    write(make_email(1))
    delays = []
    for _ in range(3):
        before = timezone.now()
        deliver_due(worker_id="w", now=timezone.now() + timedelta(days=1))
        message = OutboxMessage.objects.get()
        delays.append((message.next_attempt_at - before).total_seconds())
    assert message.status == Status.FAILED and message.attempts == 3
    assert 25 < delays[0] < 35 and 50 < delays[1] < 70
    assert message.last_error == "ConnectionRefusedError: mail server unreachable"


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server unreachable")


@pytest.mark.django_db(transaction=True)
def test_worker_command_delivers_everything_due(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    write(*(make_email(n) for n in range(4)))
    call_command("worker", batch=True, interval=0)
    assert sorted(m.to[0] for m in mail.outbox) == [f"person{n}@example.com" for n in range(4)]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(smtp, *extra: str, lease: int = 300) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "EMAIL_USE_TLS": "0",
        "OUTBOX_LEASE_SECONDS": str(lease),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "tandem.cli", "worker", "--interval", "0.2", *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_and_restarted_sends_each_message_once(smtp):
    write(*(make_email(n) for n in range(6)))
    smtp.hold_message = 3
    worker = start_worker(smtp, lease=1)
    try:
        wait_for(lambda: smtp.holding)
        os.kill(worker.pid, signal.SIGKILL)  # dies while the server has not yet accepted #3
        worker.wait(timeout=10)
    finally:
        smtp.release = True
    assert len(smtp.received) == 2
    assert OutboxMessage.objects.filter(status=Status.SENDING).count() == 1  # the abandoned claim

    time.sleep(1.2)  # the dead worker's claim expires
    restarted = start_worker(smtp, "--batch", lease=1)
    output, _ = restarted.communicate(timeout=60)
    assert restarted.returncode == 0, output.decode()

    recipients = sorted(m["To"] for m in smtp.received)
    assert recipients == sorted(f"person{n}@example.com" for n in range(6))
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_at_random_points_delivers_every_message_once(smtp):
    """Crash drill (issue 18): three SIGKILLs at random moments of a 60-message batch, then a
    restart. Every message arrives; a second copy is possible only for a message the server had
    accepted when its worker died (SMTP cannot be asked), so at most one per kill."""
    total, kills = 60, 3
    write(*(make_email(n) for n in range(total)))
    smtp.delay = 0.01
    rng = random.Random(18)
    for _ in range(kills):
        before = len(smtp.received)
        worker = start_worker(smtp, lease=1)
        try:
            wait_for(lambda b=before: len(smtp.received) > b)  # it is delivering
            time.sleep(rng.uniform(0.0, 0.4))
        finally:
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
    time.sleep(1.1)  # the dead workers' claims expire
    restarted = start_worker(smtp, "--batch", lease=1)
    output, _ = restarted.communicate(timeout=60)
    assert restarted.returncode == 0, output.decode()

    ids = [m["Message-ID"] for m in smtp.received]
    expected = {m.message_id for m in OutboxMessage.objects.all()}
    assert set(ids) == expected and len(expected) == total
    assert len(ids) - total <= kills, f"{len(ids) - total} duplicates after {kills} kills"
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_the_same_message_twice(smtp):
    write(*(make_email(n) for n in range(40)))
    workers = [start_worker(smtp, "--batch") for _ in range(2)]
    for worker in workers:
        output, _ = worker.communicate(timeout=120)
        assert worker.returncode == 0, output.decode()
    recipients = [m["To"] for m in smtp.received]
    assert len(recipients) == 40 and len(set(recipients)) == 40


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_worker_stops_cleanly_on_sigterm(smtp):
    worker = start_worker(smtp)
    assert b"started" in worker.stdout.readline()  # signal handlers are installed by now
    worker.send_signal(signal.SIGTERM)
    output, _ = worker.communicate(timeout=20)
    assert worker.returncode == 0
    assert b"stopped" in output

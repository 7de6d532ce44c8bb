from __future__ import annotations

import logging
import os
import signal
import socket
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Worker as TaskWorker

from tandem.core.periodic import run_due_jobs
from tandem.notify.outbox import deliver_due

logger = logging.getLogger("tandem.worker")


class Command(BaseCommand):
    help = (
        "Run background work: queued tasks (django-tasks database backend) and outbox delivery. "
        "Several workers may run at once. Stops cleanly on SIGTERM/SIGINT."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds to sleep when idle"
        )
        parser.add_argument(
            "--batch", action="store_true", help="do everything that is due, then exit"
        )
        parser.add_argument(
            "--with-periodic",
            action="store_true",
            help="also run due periodic jobs every minute (single-process installations)",
        )
        parser.add_argument("--worker-id", default=f"{socket.gethostname()}:{os.getpid()}")

    def handle(self, *args: Any, **options: Any) -> None:
        self.running = True
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        worker_id: str = options["worker_id"]
        interval: float = options["interval"]
        next_periodic = 0.0
        self.stdout.write(f"worker {worker_id} started")
        self.stdout.flush()
        while self.running:
            close_old_connections()
            if options["with_periodic"] and time.monotonic() >= next_periodic:
                run_due_jobs()
                next_periodic = time.monotonic() + 60
            report = deliver_due(worker_id=worker_id)
            tasks_run = self._run_tasks(worker_id)
            if report.handled:
                self.stdout.write(
                    f"outbox: {len(report.sent)} sent, {len(report.retrying)} to retry, "
                    f"{len(report.failed)} failed"
                )
            idle = not report.handled and not tasks_run
            if options["batch"] and idle:
                break
            if idle:
                self._sleep(interval)
        self.stdout.write(f"worker {worker_id} stopped")

    def _run_tasks(self, worker_id: str, limit: int = 20) -> int:
        worker = TaskWorker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=limit,
            worker_id=worker_id[:64],
            excluded_queue_names=[],
        )
        worker.run()
        return worker._run_tasks

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while self.running and time.monotonic() < deadline:
            time.sleep(min(0.2, seconds))

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        logger.info("received %s; finishing the current item", signal.strsignal(signum))
        self.running = False

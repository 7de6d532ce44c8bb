from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from tandem.core.periodic import periodic_job
from tandem.notify.outbox import deliver_due


@periodic_job(every=timedelta(minutes=1), name="notify.deliver_outbox")
def deliver_outbox(now: datetime) -> str:
    """Deliver due notifications (for installations that run only the periodic runner)."""
    total = 0
    while True:
        report = deliver_due(
            worker_id=f"periodic:{socket.gethostname()}:{os.getpid()}", batch_size=100
        )
        total += report.handled
        if report.handled < 100:
            return f"{total} handled"


@periodic_job(every=timedelta(hours=1), name="notify.send_digests")
def send_digests(now: datetime) -> str:
    """Send the weekly digest of held low-priority messages to whoever is due one."""
    from tandem.notify.services.digest import digest_send, due_digest_users

    carried = sum(digest_send(user_id=uid, now=now) for uid in due_digest_users(now))
    return f"{carried} held messages sent in digests"

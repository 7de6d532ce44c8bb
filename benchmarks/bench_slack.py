"""One coffee-rotation round in Slack for N people, against the local Slack stand-in (real HTTP,
real slack-sdk client): look everyone up by email, sync the linked channel's members, match and
publish the round (one group introduction per pair), then deliver every Slack message.

The figures are Tandem's own cost (SQLite, this machine). Real Slack adds its rate limits:
``conversations.open`` is Tier 3 (about 50 calls a minute), so 500 introductions take roughly ten
minutes in a real workspace — the outbox paces that through 429 + Retry-After."""

from __future__ import annotations

import time
from datetime import timedelta

from benchmarks.django_env import drop_database, setup_django
from benchmarks.measure import measure

CASES = [("slack_round", [1_000])]


def seed(n: int, standin):  # type: ignore[no-untyped-def]
    from datetime import time as clock

    from django.utils import timezone

    from tandem.accounts.models import Role, User
    from tandem.integrations.slack.services.rotation import LinkInput, channel_link_save
    from tandem.notify.models import NotificationPreference
    from tandem.people.models import Person
    from tandem.programs.models import Enrolment, Program, ProgramStatus
    from tandem.programs.services.setup import program_create

    admin = User.objects.create_user(
        "admin@bench.example", "Admin", "bench-password-1", role=Role.ADMIN
    )
    program = program_create(
        actor=admin, name="Bench coffee", kind="coffee_rotation", cadence="weekly"
    )
    Program.objects.filter(pk=program.pk).update(status=ProgramStatus.ACTIVE)
    program.refresh_from_db()
    zones = ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "Europe/London", "UTC"]
    users = User.objects.bulk_create(
        [
            User(email=f"p{i}@bench.example", name=f"Person {i:04d}", password="!")  # noqa: S106
            for i in range(n)
        ]
    )
    people = Person.objects.bulk_create(
        [
            Person(user=u, timezone=zones[i % len(zones)], languages=["en"])
            for i, u in enumerate(users)
        ]
    )
    now = timezone.now()
    Enrolment.objects.bulk_create(
        [Enrolment(program=program, person=p, accepted_guidelines_at=now) for p in people[:50]]
    )
    NotificationPreference.objects.bulk_create(
        [NotificationPreference(user=u, channels={"matches": "slack"}) for u in users]
    )
    ids = [standin.add_member(u.email) for u in users]
    standin.set_channel("C0BENCHCOFFEE", ["UBOT", *ids])
    link = channel_link_save(
        actor=admin,
        program=program,
        data=LinkInput("C0BENCHCOFFEE", "coffee", clock(10, 0), "UTC"),
    )
    return program, link


def run_case(case: str, n: int) -> dict[str, object]:
    database = setup_django()
    from django.conf import settings
    from django.utils import timezone

    from tandem.integrations.slack.models import SlackChannelLink
    from tandem.integrations.slack.services.people import directory_sync
    from tandem.integrations.slack.services.rotation import linked_rounds, round_time
    from tandem.integrations.slack.standin import SlackStandIn
    from tandem.matches.models import MatchRun
    from tandem.notify.models import OutboxMessage, Status
    from tandem.notify.outbox import deliver_due
    from tandem.programs.models import Enrolment, EnrolmentStatus

    standin = SlackStandIn(token="xoxb-bench").start()  # noqa: S106 - stand-in
    settings.SLACK_API_URL = standin.api_url
    settings.SLACK_BOT_TOKEN = "xoxb-bench"  # noqa: S105 - the stand-in's token
    settings.SLACK_SIGNING_SECRET = "bench-secret"  # noqa: S105 - the same
    try:
        program, link = seed(n, standin)
        SlackChannelLink.objects.filter(pk=link.pk).update(
            created_at=timezone.now() - timedelta(days=2)
        )
        synced = measure(lambda: directory_sync())
        assert synced.value.found == n, synced.value.summary
        now = timezone.now()
        round_ = measure(lambda: linked_rounds(now))
        assert round_.value == 1
        run = MatchRun.objects.get(program=program)
        enrolled = Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE)
        slack_rows = OutboxMessage.objects.filter(channel="slack", status=Status.PENDING)
        messages = slack_rows.count()
        intros = slack_rows.filter(kind="slack_intro").count()
        standin.reset_calls()
        later = timezone.now() + timedelta(seconds=5)

        def deliver() -> int:
            sent = 0
            while True:
                report = deliver_due(worker_id="bench", batch_size=200, now=later)
                sent += len(report.sent)
                assert not report.failed
                assert not report.retrying
                if not report.handled:
                    return sent

        delivered = measure(deliver)
        api_calls = len(standin.calls)
        return {
            "case": case,
            "database": database,
            "n": n,
            "people_in_channel": enrolled.count(),
            "round_start_local": round_time(link, now).isoformat(timespec="minutes"),
            "pairs": run.proposals.count(),
            "slack_messages": messages,
            "group_intros": intros,
            "slack_api_calls": api_calls,
            "lookup_seconds": round(synced.seconds, 2),
            "round_seconds": round(round_.seconds, 2),
            "deliver_seconds": round(delivered.seconds, 2),
            "messages_per_second": round(delivered.value / max(delivered.seconds, 1e-9), 1),
            "peak_mb": round(max(synced.peak_mb, round_.peak_mb, delivered.peak_mb), 1),
        }
    finally:
        standin.stop()
        drop_database()


if __name__ == "__main__":  # pragma: no cover
    started = time.perf_counter()
    print(run_case("slack_round", 200), f"{time.perf_counter() - started:.1f}s")

"""The channel layer: routing by preference, fallbacks with their reason, chat delivery with
Retry-After, quiet hours and working days, pause, off, digest holding."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import transaction

from tandem.notify.channels import render_for
from tandem.notify.messages import Button, Message
from tandem.notify.models import NotificationPreference, OutboxMessage, Status
from tandem.notify.outbox import deliver_due, send
from tandem.notify.preferences import next_allowed_time
from tests.notify.fakes import RecordingChannel, standing_in_for

MONDAY_NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # 13:00 in Berlin


@pytest.fixture
def slack():
    with standing_in_for(RecordingChannel(directory={"pat@example.com": "U123"})) as channel:
        yield channel


def nudge(**fields) -> Message:
    return Message(
        kind=fields.pop("kind", "test_nudge"),
        category=fields.pop("category", "nudges"),
        title="Time for a check-in",
        text="How is it *going*?",
        buttons=(Button("Fine", action="test.answer", value="1:fine", style="primary"),),
        link_url="https://tandem.test/r/1/",
        **fields,
    )


def prefer(user, **fields) -> None:
    NotificationPreference.objects.update_or_create(user=user, defaults=fields)


def send_one(user, message=None, key="k1", **kwargs) -> OutboxMessage:
    with transaction.atomic():
        send(message or nudge(), to=user, event_key=key, **kwargs)
    return OutboxMessage.objects.get(event_key=key)


def test_without_preferences_a_message_goes_by_email_now(participant):
    row = send_one(participant)
    assert (row.channel, row.recipient, row.category) == ("email", "pat@example.com", "nudges")
    assert row.fallback_reason == ""
    assert "Fine: http" in row.body_text and "/actions/" in row.body_text
    assert "How is it *going*?" in row.body_text


def test_slack_not_configured_falls_back_to_email_and_says_why(participant):
    prefer(participant, channels={"nudges": "slack"})
    row = send_one(participant)
    assert row.channel == "email"
    assert row.fallback_reason == "Slack not configured"


def test_person_not_found_in_slack_falls_back(participant, slack):
    slack.directory.clear()
    prefer(participant, channels={"nudges": "slack"})
    row = send_one(participant)
    assert (row.channel, row.fallback_reason) == ("email", "not found in Slack")


def test_configured_slack_gets_the_rendered_payload_and_delivers(participant, slack):
    prefer(participant, channels={"nudges": "slack"})
    row = send_one(participant)
    assert (row.channel, row.recipient) == ("slack", "U123")
    assert row.payload == render_for("slack", nudge())
    assert '"1:fine"' in json.dumps(row.payload)  # the button, in whatever form Slack renders it
    report = deliver_due(worker_id="t")
    row.refresh_from_db()
    assert report.sent == [row.pk] and row.status == Status.SENT and row.remote_id == "D1:1"
    assert slack.posted == [("U123", row.payload)]


def test_only_the_chosen_category_moves_to_slack(participant, slack):
    prefer(participant, channels={"matches": "slack"})
    assert send_one(participant).channel == "email"


def test_retry_after_is_honoured(participant, slack):
    prefer(participant, channels={"nudges": "slack"})
    row = send_one(participant)
    slack.rate_limit = 120
    before = datetime.now(UTC)
    report = deliver_due(worker_id="t")
    row.refresh_from_db()
    assert report.retrying == [row.pk] and row.status == Status.PENDING
    assert timedelta(seconds=119) <= row.next_attempt_at - before <= timedelta(seconds=125)
    assert "ratelimited" in row.last_error


def test_permanent_errors_fail_at_once(participant, slack):
    prefer(participant, channels={"nudges": "slack"})
    row = send_one(participant)
    slack.broken = True
    deliver_due(worker_id="t")
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.FAILED, 1)


def test_off_and_pause_skip_but_account_mail_always_goes(participant):
    prefer(participant, channels={"nudges": "off"}, paused_until=date(2999, 1, 1))
    row = send_one(participant)
    assert row.status == Status.CANCELLED and "turned off" in row.last_error
    prefer(participant, channels={}, paused_until=date(2999, 1, 1))
    row = send_one(participant, nudge(category="matches"), key="k2")
    assert row.status == Status.CANCELLED and row.last_error.startswith("Paused until 2999-01-01")
    row = send_one(participant, nudge(category="account"), key="k3")
    assert row.status == Status.PENDING


def test_urgent_messages_ignore_pause_and_quiet_hours(participant):
    prefer(participant, paused_until=date(2999, 1, 1), quiet_start=time(0), quiet_end=time(23, 59))
    row = send_one(participant, nudge(category="meetings", urgent=True))
    assert row.status == Status.PENDING


def test_weekly_digest_holds_low_priority_only(participant):
    prefer(participant, low_priority="weekly")
    assert send_one(participant).status == Status.HELD
    assert send_one(participant, nudge(category="matches"), key="k2").status == Status.PENDING


def test_quiet_hours_and_working_days_shift_delivery_in_the_persons_zone(participant):
    # Friday 21:30 in Berlin, quiet 20:00–08:00, Monday to Friday → Monday 08:00 Berlin.
    friday_evening = datetime(2026, 3, 6, 20, 30, tzinfo=UTC)
    prefer(participant, quiet_start=time(20), quiet_end=time(8), working_days=[0, 1, 2, 3, 4])
    row = send_one(participant, now=friday_evening)
    assert row.next_attempt_at == datetime(2026, 3, 9, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (MONDAY_NOON, MONDAY_NOON),  # allowed: unchanged
        (datetime(2026, 3, 2, 5, 0, tzinfo=UTC), datetime(2026, 3, 2, 7, 0, tzinfo=UTC)),
        (datetime(2026, 3, 7, 10, 0, tzinfo=UTC), datetime(2026, 3, 9, 7, 0, tzinfo=UTC)),
        (datetime(2026, 3, 27, 23, 0, tzinfo=UTC), datetime(2026, 3, 30, 6, 0, tzinfo=UTC)),  # DST
    ],
)
def test_next_allowed_time(moment, expected):
    got = next_allowed_time(
        moment,
        "Europe/Berlin",
        quiet_start=time(20),
        quiet_end=time(8),
        working_days=range(5),
    )
    assert got == expected


def test_same_event_twice_writes_one_row(participant):
    send_one(participant)
    send_one(participant)
    assert OutboxMessage.objects.filter(event_key="k1").count() == 1


def test_messages_validate_their_category():
    with pytest.raises(ValueError, match="unknown category"):
        Message(kind="x", category="gossip", title="t", text="t")
    with pytest.raises(ValueError, match="action or a url"):
        Button("Nothing")


def test_outbox_page_shows_and_filters_channels(participant, admin, as_user, slack):
    prefer(participant, channels={"nudges": "slack"})
    send_one(participant)
    slack.configured = False
    send_one(participant, key="k2")
    client = as_user(admin)
    page = client.get("/outbox/").content.decode()
    assert "<th>Channel</th>" in page and "Slack not configured" in page
    only_slack = client.get("/outbox/?channel=slack").content.decode()
    assert "U123" in only_slack and "Slack not configured" not in only_slack
    fallback = client.get("/outbox/?channel=fallback").content.decode()
    assert "pat@example.com" in fallback and "U123" not in fallback


def test_weekly_digest_collects_held_messages_after_a_week(participant):
    from tandem.notify.jobs import send_digests

    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    prefer(participant, low_priority="weekly", last_digest_at=start, updated_at=start)
    for n in range(3):
        send_one(participant, nudge(), key=f"d{n}", now=start + timedelta(days=n))
    assert send_digests(start + timedelta(days=6)) == "0 held messages sent in digests"
    assert send_digests(start + timedelta(days=7)) == "3 held messages sent in digests"
    digest = OutboxMessage.objects.get(kind="weekly_digest")
    assert digest.status == Status.PENDING and digest.subject == "Your weekly digest: 3 updates"
    assert digest.body_text.count("Time for a check-in") == 3
    assert set(
        OutboxMessage.objects.filter(kind="test_nudge").values_list("status", flat=True)
    ) == {Status.DIGESTED}
    assert send_digests(start + timedelta(days=8)) == "0 held messages sent in digests"


def test_messages_with_a_calendar_file_stay_email(participant, slack):
    from tandem.notify.outbox import Attachment

    prefer(participant, channels={"meetings": "slack"})
    ics = Attachment("invite.ics", "text/calendar", b"BEGIN:VCALENDAR")
    row = send_one(participant, nudge(category="meetings"), attachments=[ics])
    assert row.channel == "email" and row.fallback_reason.startswith("calendar file attached")


def test_email_html_renders_light_markdown_safely(participant):
    message = Message(
        kind="k", category="nudges", title="t", text="Hi *there* <b>x</b> https://a.test/"
    )
    row = send_one(participant, message)
    assert "<strong>there</strong>" in row.body_html and "&lt;b&gt;x&lt;/b&gt;" in row.body_html
    assert '<a href="https://a.test/"' in row.body_html

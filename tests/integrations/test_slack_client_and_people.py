"""Slack's Web API through slack-sdk against the stand-in: people found by email and
remembered, `tandem slack check/sync`, rate limits, error codes in logs and no token in them."""

from __future__ import annotations

import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tandem.integrations.slack.client import SlackError, SlackRateLimited, call
from tandem.integrations.slack.models import SlackIdentity
from tandem.integrations.slack.services.people import (
    directory_sync,
    slack_id_for,
    user_for_slack_id,
)
from tests.factories import PersonFactory
from tests.integrations.conftest import TOKEN

pytestmark = pytest.mark.django_db


def _people(*emails):
    return [PersonFactory(user__email=e, user__name=e.split("@")[0].title()).user for e in emails]


def test_sync_finds_people_by_email_and_lists_who_is_missing(standin):
    ana, _bea, cem = _people("ana@example.com", "bea@example.com", "cem@example.com")
    standin.add_member("ANA@example.com")
    standin.add_member("bea@example.com")
    out = StringIO()
    call_command("slack", "sync", stdout=out)
    text = out.getvalue()
    assert "2 of 3 people found in Slack" in text
    assert "Not found in Slack:\n  Cem <cem@example.com>" in text
    assert SlackIdentity.objects.get(user=ana).slack_user_id == standin.members["ana@example.com"]
    missing = SlackIdentity.objects.get(user=cem)
    assert missing.slack_user_id == "" and missing.error == "users_not_found"
    assert missing.checked_at is not None


def test_a_remembered_answer_is_used_until_it_is_stale_or_the_email_changes(standin, settings):
    (ana,) = _people("ana@example.com")
    standin.add_member("ana@example.com", "UANA")
    assert slack_id_for(ana) == "UANA"
    assert slack_id_for(ana) == "UANA"
    assert len(standin.calls_to("users.lookupByEmail")) == 1
    SlackIdentity.objects.update(checked_at=timezone.now() - timedelta(days=8))
    slack_id_for(ana)
    assert len(standin.calls_to("users.lookupByEmail")) == 2
    ana.email = "ana.new@example.com"
    ana.save()
    assert slack_id_for(ana) is None  # the new address is not in Slack (yet)
    assert standin.calls_to("users.lookupByEmail")[-1].params["email"] == "ana.new@example.com"


def test_a_slack_id_seen_for_the_first_time_is_found_through_users_info(standin):
    (bea,) = _people("bea@example.com")
    standin.add_member("bea@example.com", "UBEA")
    assert user_for_slack_id("UBEA") == bea
    assert SlackIdentity.objects.get(user=bea).slack_user_id == "UBEA"
    assert user_for_slack_id("UNOBODY") is None


def test_check_verifies_the_token_and_the_scopes(standin):
    out = StringIO()
    call_command("slack", "check", stdout=out)
    assert "Token OK" in out.getvalue() and "Scopes OK" in out.getvalue()
    standin.scopes = "chat:write,users:read"
    with pytest.raises(CommandError, match="Missing scopes: im:write, mpim:write"):
        call_command("slack", "check", stdout=StringIO())


def test_check_says_so_when_the_token_is_refused(standin, settings):
    settings.SLACK_BOT_TOKEN = "xoxb-revoked"
    with pytest.raises(CommandError, match=r"auth\.test failed: invalid_auth"):
        call_command("slack", "check", stdout=StringIO())


def test_check_without_a_token(settings):
    settings.SLACK_BOT_TOKEN = ""
    with pytest.raises(CommandError, match="SLACK_BOT_TOKEN is not set"):
        call_command("slack", "check", stdout=StringIO())


def test_a_429_becomes_rate_limited_with_slacks_retry_after(standin):
    standin.fail_next("auth.test", status=429, retry_after=30)
    with pytest.raises(SlackRateLimited) as caught:
        call("auth.test")
    assert caught.value.retry_after == 30.0 and caught.value.temporary


def test_a_sync_stopped_by_a_rate_limit_keeps_what_it_learned(standin):
    _people("a1@example.com", "a2@example.com", "a3@example.com")
    for email in ("a1@example.com", "a2@example.com", "a3@example.com"):
        standin.add_member(email)
    report = directory_sync()
    assert report.found == 3
    standin.fail_next("users.lookupByEmail", status=429, retry_after=5)
    report = directory_sync()
    assert report.stopped_by == "ratelimited" and report.found == 0
    assert SlackIdentity.objects.exclude(slack_user_id="").count() == 3  # nothing forgotten


def test_errors_are_logged_with_slacks_code_and_never_the_token(standin, caplog):
    caplog.set_level(logging.DEBUG)  # slack-sdk's own debug log included
    standin.fail_next("chat.postMessage", error="channel_not_found")
    with pytest.raises(SlackError) as caught:
        call("chat.postMessage", channel="C404", text="hello")
    assert caught.value.code == "channel_not_found"
    standin.fail_next("auth.test", status=429, retry_after=3)
    with pytest.raises(SlackRateLimited):
        call("auth.test")
    standin.fail_next("auth.test", status=503, error="service_unavailable")
    with pytest.raises(SlackError):
        call("auth.test")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "slack chat.postMessage failed: channel_not_found" in logged
    assert "slack auth.test failed: ratelimited" in logged
    assert TOKEN not in logged and TOKEN not in caplog.text
    assert "secretbottoken" not in caplog.text


def test_someone_unknown_gets_email_now_and_is_looked_up_in_a_task(
    standin, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from tandem.integrations.slack.channel import SlackChannel
    from tests.integrations.conftest import run_queued_tasks

    (ana,) = _people("ana@example.com")
    standin.add_member("ana@example.com", "UANA")
    channel = SlackChannel()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        assert channel.resolve(ana.pk, ana.email) is None  # no network inside the transaction
        assert channel.resolve(ana.pk, ana.email) is None
    assert standin.calls_to("users.lookupByEmail") == []
    assert run_queued_tasks() == ["found"]  # queued once
    assert channel.resolve(ana.pk, ana.email) == "UANA"
    assert channel.resolve(ana.pk, "ana.lima@example.com") is None  # email changed: ask again

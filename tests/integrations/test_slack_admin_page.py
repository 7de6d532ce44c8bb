"""The admin's Slack page: the manifest (Socket Mode or request URLs from SITE_URL), the status
(configured, auth.test, missing scopes) and how many people were found."""

from __future__ import annotations

import json

import pytest

from tandem.integrations.slack.config import BOT_EVENTS, BOT_SCOPES
from tandem.integrations.slack.manifest import as_json, as_yaml, manifest

pytestmark = pytest.mark.django_db


def test_the_manifest_for_request_urls_points_at_site_url(settings):
    settings.SITE_URL = "https://mentoring.example.org"
    data = manifest(socket_mode=False)
    assert data["settings"]["socket_mode_enabled"] is False
    assert data["settings"]["event_subscriptions"]["request_url"] == (
        "https://mentoring.example.org/integrations/slack/events"
    )
    assert data["settings"]["interactivity"]["request_url"].endswith("/slack/interactions")
    command = data["features"]["slash_commands"][0]
    assert command["command"] == "/tandem" and command["url"].endswith("/slack/commands")
    assert data["oauth_config"]["scopes"]["bot"] == list(BOT_SCOPES)
    assert data["settings"]["event_subscriptions"]["bot_events"] == list(BOT_EVENTS)
    assert json.loads(as_json(data)) == data


def test_the_socket_mode_manifest_has_no_urls():
    data = manifest(socket_mode=True)
    assert data["settings"]["socket_mode_enabled"] is True
    assert "request_url" not in data["settings"]["event_subscriptions"]
    assert "url" not in data["features"]["slash_commands"][0]


def test_the_yaml_says_the_same_as_the_json():
    yaml = as_yaml(manifest(socket_mode=False))
    assert '    - "chat:write"' in yaml
    assert "socket_mode_enabled: false" in yaml
    assert '    - command: "/tandem"' in yaml
    # A tiny reader for this YAML subset would be overkill; the key lines are enough.
    assert yaml.count("request_url:") == 2


def test_the_admin_sees_status_and_missing_scopes(admin, as_user, standin):
    standin.scopes = "chat:write,users:read,users:read.email"
    page = as_user(admin).get("/integrations/slack/?mode=http").content.decode()
    assert "workspace “Tandem”" in page
    assert "missing: im:write, mpim:write" in page
    assert "local stand-in" in page
    assert "/integrations/slack/events" in page
    assert "0 of 1" in page  # the admin is in the directory, not yet looked up


def test_not_configured_is_said_plainly(admin, as_user, settings):
    settings.SLACK_BOT_TOKEN = ""
    settings.SLACK_SIGNING_SECRET = ""
    page = as_user(admin).get("/integrations/slack/").content.decode()
    assert "Slack not configured" in page and "not checked (no token)" in page
    assert "socket_mode_enabled: false" in page

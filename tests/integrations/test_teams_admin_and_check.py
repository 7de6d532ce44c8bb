"""The admin's Teams page (set-up steps, permissions, status) and the app package it offers;
``tandem teams check`` against the stand-in's token endpoint and Graph token."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from tandem.integrations.teams.config import GRAPH_PERMISSIONS
from tandem.integrations.teams.package import PLACEHOLDER_ID
from tests.conftest import client_for
from tests.integrations.conftest import TEAMS_APP_ID

pytestmark = pytest.mark.django_db


def test_the_page_explains_the_set_up_when_teams_is_not_configured(admin, settings):
    settings.TEAMS_APP_ID = ""
    page = client_for(admin).get("/integrations/teams/").content.decode()
    assert "<strong>No</strong> — set <code>TEAMS_APP_ID</code>" in page
    assert "register an app" in page and "grant admin consent" in page
    for permission in GRAPH_PERMISSIONS:
        assert permission in page
    assert "/integrations/teams/messages" in page


def test_the_page_shows_tokens_and_permissions_from_the_stand_in(admin, ms):
    page = client_for(admin).get("/integrations/teams/").content.decode()
    assert "OK — tokens issued for the Bot Connector and for Graph" in page
    assert "all granted" in page and "local stand-in" in page
    ms.roles = ("User.Read.All",)
    from tandem.integrations.teams import client

    client.forget_tokens()
    page = client_for(admin).get("/integrations/teams/").content.decode()
    assert "missing: TeamsAppInstallation.ReadWriteSelfForUser.All, Chat.Create" in page


def test_the_package_has_the_manifest_with_the_bot_id_and_domain_and_both_icons(
    admin, settings, ms
):
    settings.SITE_URL = "https://mentoring.example.org"
    response = client_for(admin).get("/integrations/teams/tandem-teams-app.zip")
    assert response["Content-Type"] == "application/zip"
    assert "tandem-teams-app.zip" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["id"] == TEAMS_APP_ID and manifest["bots"][0]["botId"] == TEAMS_APP_ID
    assert manifest["validDomains"] == ["mentoring.example.org"]
    assert manifest["manifestVersion"] == "1.17"
    assert set(manifest["bots"][0]["scopes"]) == {"personal", "groupChat"}
    assert manifest["developer"]["websiteUrl"] == "https://mentoring.example.org"
    color = Image.open(io.BytesIO(archive.read("color.png")))
    outline = Image.open(io.BytesIO(archive.read("outline.png")))
    assert color.size == (192, 192) and outline.size == (32, 32)
    assert outline.mode == "RGBA" and outline.getpixel((0, 0))[3] == 0  # transparent
    # white or transparent only, as Teams requires of the outline icon
    raw = outline.tobytes()
    pixels = [tuple(raw[i : i + 4]) for i in range(0, len(raw), 4)]
    assert {px[:3] for px in pixels if px[3]} <= {(255, 255, 255)}


def test_without_an_app_id_the_package_says_so_with_a_placeholder(admin, settings):
    settings.TEAMS_APP_ID = ""
    response = client_for(admin).get("/integrations/teams/tandem-teams-app.zip")
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("manifest.json"))
    assert manifest["id"] == PLACEHOLDER_ID


def test_check_passes_with_good_credentials_and_all_permissions(ms):
    out = io.StringIO()
    call_command("teams", "check", stdout=out)
    text = out.getvalue()
    assert "Bot Connector token OK" in text and "Graph permissions OK (5 granted)" in text
    assert {c.body["scope"] for c in ms.calls_to("token")} == {
        "https://api.botframework.com/.default",
        f"{ms.base_url}/.default",
    }


def test_check_names_missing_permissions(ms):
    ms.roles = ("User.Read.All", "Chat.Create")
    with pytest.raises(CommandError, match="Missing Graph application permissions: Teams"):
        call_command("teams", "check", stdout=io.StringIO())


def test_check_reports_a_bad_secret(ms, settings):
    settings.TEAMS_APP_PASSWORD = "wrong"
    with pytest.raises(CommandError, match="invalid_client"):
        call_command("teams", "check", stdout=io.StringIO())


def test_check_without_settings(settings, db):
    settings.TEAMS_APP_ID = ""
    with pytest.raises(CommandError, match="Set TEAMS_APP_ID"):
        call_command("teams", "check", stdout=io.StringIO())


def test_sync_lists_who_was_not_found(ms):
    from tests.factories import PersonFactory

    PersonFactory(user__email="ana@example.com", user__name="Ana")
    PersonFactory(user__email="bea@example.com", user__name="Bea")
    ms.add_user("ana@example.com")
    out = io.StringIO()
    call_command("teams", "sync", stdout=out)
    assert "1 of 2 people found in Teams" in out.getvalue()
    assert "Bea <bea@example.com>" in out.getvalue()

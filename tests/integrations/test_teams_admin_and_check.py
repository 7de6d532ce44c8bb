"""The admin's Teams page (set-up steps, permissions, status) and the app package it offers;
``tandem teams check`` against the stand-in's token endpoint and Graph token."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from tandem.integrations.teams import client
from tandem.integrations.teams.config import CHECK_PERMISSION, GRAPH_PERMISSIONS
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


def _all_but(*left_out: str) -> tuple[str, ...]:
    return tuple(p for p in [*GRAPH_PERMISSIONS, CHECK_PERMISSION] if p not in left_out)


def test_the_page_shows_tokens_and_permissions_from_the_stand_in(admin, ms):
    ms.add_user("ana@example.com")
    page = client_for(admin).get("/integrations/teams/").content.decode()
    assert "OK — tokens issued for the Bot Connector and for Graph" in page
    assert "signing in with a client secret" in page and "local stand-in" in page
    # Without Application.Read.All: a harmless call per permission; two have none yet.
    assert "no permission missing among those checked" in page
    assert (
        "not checked: Chat.Create, TeamsAppInstallation.ReadWriteSelfForChat.All, "
        "TeamMember.Read.All (no harmless call for them" in page
    )
    ms.roles = _all_but("AppCatalog.Read.All", CHECK_PERMISSION)
    client.forget_tokens()
    page = client_for(admin).get("/integrations/teams/").content.decode()
    assert "missing: AppCatalog.Read.All</strong>" in page


def test_with_application_read_all_the_page_reads_every_permission(admin, ms):
    ms.roles = _all_but()
    page = client_for(admin).get("/integrations/teams/").content.decode()
    assert "all granted" in page and "not checked" not in page
    ms.roles = _all_but("Chat.Create")
    client.forget_tokens()
    page = client_for(admin).get("/integrations/teams/").content.decode()
    assert "missing: Chat.Create</strong>" in page
    assert ms.calls_to("graph.create_chat") == []  # asked, never tried


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
    assert set(manifest["bots"][0]["scopes"]) == {"personal", "groupChat", "team"}
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
    ms.add_user("ana@example.com")
    out = io.StringIO()
    call_command("teams", "check", stdout=out)
    text = out.getvalue()
    assert "Credential: client secret." in text and "Bot Connector token OK" in text
    assert "Graph permissions OK: 3 confirmed by a harmless call." in text
    assert (
        "Not checked: Chat.Create, TeamsAppInstallation.ReadWriteSelfForChat.All, "
        "TeamMember.Read.All (no harmless call" in text
    )
    assert {c.body["scope"] for c in ms.calls_to("token")} == {
        "https://api.botframework.com/.default",
        f"{ms.base_url}/.default",
    }
    assert len(ms.calls_to("graph.installed_user")) == 1  # the probe for the install permission


def test_check_probes_the_chat_permission_once_tandem_made_a_chat(ms):
    from tandem.integrations.teams.models import TeamsConversation

    ms.add_user("ana@example.com")
    ms.chats["19:pair@thread.v2"] = {"id": "19:pair@thread.v2"}
    TeamsConversation.objects.create(
        relationship_id=1, chat_id="19:pair@thread.v2", service_url=ms.service_url
    )
    out = io.StringIO()
    call_command("teams", "check", stdout=out)
    assert "Not checked: Chat.Create, TeamMember.Read.All (no harmless call" in out.getvalue()
    ms.roles = _all_but("TeamsAppInstallation.ReadWriteSelfForChat.All", CHECK_PERMISSION)
    client.forget_tokens()
    with pytest.raises(
        CommandError, match=r"permissions: TeamsAppInstallation\.ReadWriteSelfForChat\.All\."
    ):
        call_command("teams", "check", stdout=io.StringIO())


def test_check_names_the_missing_permission_a_harmless_call_was_refused(ms):
    ms.add_user("ana@example.com")
    ms.roles = _all_but("TeamsAppInstallation.ReadWriteSelfForUser.All", CHECK_PERMISSION)
    with pytest.raises(
        CommandError,
        match=r"Missing Graph application permissions: TeamsAppInstallation\.ReadWriteSelfForUser"
        r"\.All\. Add them",
    ):
        call_command("teams", "check", stdout=io.StringIO())


def test_check_reads_the_role_assignments_with_application_read_all(ms):
    ms.roles = _all_but()
    out = io.StringIO()
    call_command("teams", "check", stdout=out)
    assert "Graph permissions OK (7 granted, read from the app's role assignments)." in (
        out.getvalue()
    )
    assert ms.calls_to("graph.catalog") == []  # no probing needed
    ms.roles = _all_but("User.Read.All")
    client.forget_tokens()
    with pytest.raises(CommandError, match=r"permissions: User\.Read\.All\. Add"):
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

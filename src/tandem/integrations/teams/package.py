"""The Teams app package an admin uploads to the Teams admin centre: ``manifest.json`` (the bot
id, the valid domains from ``SITE_URL``) and the two icons Teams requires, zipped.

The icons are drawn with Pillow: ``color.png`` 192×192 on the accent colour, ``outline.png``
32×32 white on transparent (Teams' rules for the two).
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from PIL import Image, ImageDraw

from tandem.integrations.teams.config import teams_settings

MANIFEST_VERSION = "1.17"
SCHEMA = f"https://developer.microsoft.com/json-schemas/teams/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json"
ACCENT = "#1F4E5F"
PACKAGE_VERSION = "1.0.0"
PLACEHOLDER_ID = "00000000-0000-0000-0000-000000000000"


def manifest(*, app_id: str | None = None, site_url: str | None = None) -> dict[str, Any]:
    site = (site_url or settings.SITE_URL).rstrip("/")
    host = urlsplit(site).hostname or "localhost"
    bot_id = app_id if app_id is not None else teams_settings().app_id
    bot_id = bot_id or PLACEHOLDER_ID
    name = (settings.SITE_NAME or "Tandem")[:30]
    return {
        "$schema": SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": PACKAGE_VERSION,
        "id": bot_id,
        "developer": {
            "name": name,
            "websiteUrl": site,
            "privacyUrl": site + "/",
            "termsOfUseUrl": site + "/",
        },
        "name": {"short": name, "full": f"{name} peer mentoring"[:100]},
        "description": {
            "short": "Introductions, check-ins and reminders from Tandem."[:80],
            "full": (
                "Tandem introduces you to your mentoring match or coffee partner in a group chat, "
                "asks whether you met, and reminds you gently. Answer with one click; everything "
                f"else is at {site}."
            ),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": ACCENT,
        "bots": [
            {
                "botId": bot_id,
                "scopes": ["personal", "groupChat", "team"],
                "supportsFiles": False,
                "isNotificationOnly": False,
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [host],
    }


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def color_icon() -> bytes:
    """192×192: two overlapping circles (a pair) in white on the accent colour."""
    image = Image.new("RGBA", (192, 192), ACCENT)
    draw = ImageDraw.Draw(image)
    draw.ellipse((36, 56, 116, 136), outline="white", width=12)
    draw.ellipse((76, 56, 156, 136), outline="white", width=12)
    return _png(image)


def outline_icon() -> bytes:
    """32×32: the same mark in white on transparent."""
    image = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 9, 18, 23), outline="white", width=2)
    draw.ellipse((14, 9, 28, 23), outline="white", width=2)
    return _png(image)


def package(*, app_id: str | None = None, site_url: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "manifest.json", json.dumps(manifest(app_id=app_id, site_url=site_url), indent=2)
        )
        archive.writestr("color.png", color_icon())
        archive.writestr("outline.png", outline_icon())
    return out.getvalue()

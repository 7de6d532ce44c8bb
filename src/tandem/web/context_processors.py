from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from tandem.web.navigation import admin_items_for, items_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "nav_items": items_for(user) if user is not None else [],
        "admin_items": admin_items_for(user) if user is not None else [],
        "site_name": settings.SITE_NAME,
    }

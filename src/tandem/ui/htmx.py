"""One helper for "the whole page, or only the part htmx asked for" (netbox's habit)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def render_page_or_partial(
    request: HttpRequest, page: str, partial: str, context: Mapping[str, Any]
) -> HttpResponse:
    """Render ``partial`` for an htmx request (``HX-Request``), else the whole ``page``."""
    template = partial if getattr(request, "htmx", False) else page
    return render(request, template, context)

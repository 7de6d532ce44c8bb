"""Facts about an incoming request that several apps need (audit, throttling)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The caller's address; ``X-Forwarded-For`` only when the proxy in front is trusted."""
    if settings.TANDEM_TRUST_PROXY_HEADERS:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return str(forwarded).split(",")[0].strip()
    return str(request.META.get("REMOTE_ADDR") or "unknown")

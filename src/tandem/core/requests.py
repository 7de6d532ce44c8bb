"""Facts about an incoming request that several apps need (audit, throttling)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(value: str) -> str | None:
    """``value`` as a normalised IP address, or ``None`` when it is not one (``[::1]:443`` and
    ``1.2.3.4:5678`` forms from some proxies are accepted)."""
    text = value.strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The caller's address, which the caller cannot choose.

    Without trusted proxies (``TRUSTED_PROXY_COUNT=0``) it is the socket's peer. Behind *n*
    trusted proxies each appends the address it received the request from to
    ``X-Forwarded-For``, so the client is the *n*-th entry from the right: everything left of it
    was written by the client and is ignored (the left-most entry is whatever the client sent).
    A proxy that sets its own header instead (``CLIENT_IP_HEADER``, e.g. ``X-Real-IP``) is
    believed when proxies are trusted. A chain shorter than *n*, or an entry that is not an IP
    address, falls back to the peer address.
    """
    peer = str(request.META.get("REMOTE_ADDR") or "unknown")
    proxies = settings.TANDEM_TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return peer
    header = settings.TANDEM_CLIENT_IP_HEADER
    if header:
        key = "HTTP_" + header.upper().replace("-", "_")
        return _address(str(request.META.get(key, ""))) or peer
    chain = [part for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    chain = [part.strip() for part in chain if part.strip()]
    if len(chain) < proxies:
        return peer
    return _address(chain[-proxies]) or peer

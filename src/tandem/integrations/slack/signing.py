"""Slack's request signing (v0): HMAC-SHA256 of ``v0:{timestamp}:{body}`` with the app's signing
secret, the timestamp within five minutes of now, compared in constant time.

``slack_sdk.signature.SignatureVerifier`` does the arithmetic; the clock is injectable so tests
can sign and check at a fixed time. Requests are checked before anything else reads them.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping

from slack_sdk.signature import Clock, SignatureVerifier

MAX_AGE_SECONDS = 60 * 5


def sign(secret: str, body: bytes | str, timestamp: int | None = None) -> dict[str, str]:
    """The two headers Slack sends with ``body`` (for tests and the stand-in)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    digest = hmac.new(
        secret.encode("utf-8"), f"v0:{timestamp}:{text}".encode(), hashlib.sha256
    ).hexdigest()
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": f"v0={digest}"}


def is_signed(
    secret: str, body: bytes, headers: Mapping[str, str], clock: Clock | None = None
) -> bool:
    """Whether ``body`` carries a valid, fresh signature made with ``secret``."""
    if not secret:
        return False
    timestamp = headers.get("X-Slack-Request-Timestamp") or ""
    signature = headers.get("X-Slack-Signature") or ""
    if not timestamp.isdigit() or not signature.startswith("v0="):
        return False
    verifier = SignatureVerifier(secret, clock=clock or Clock())
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return verifier.is_valid(body=text, timestamp=timestamp, signature=signature)

"""Calls to Slack's Web API through slack-sdk, with Slack's failures turned into our errors.

Every failure is logged with the method and Slack's error code, never the token (slack-sdk sends
it in the Authorization header and redacts it from its own debug log). A 429 becomes
``SlackRateLimited`` with Slack's ``Retry-After`` so the outbox retries later instead of a worker
sleeping.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web import SlackResponse

from tandem.integrations.slack.config import SlackSettings, slack_settings

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10


class SlackError(Exception):
    """A Slack call that failed; ``code`` is Slack's error code (``users_not_found`` …)."""

    def __init__(self, method: str, code: str, *, status: int | None = None) -> None:
        super().__init__(f"Slack {method} failed: {code}")
        self.method = method
        self.code = code
        self.status = status

    @property
    def temporary(self) -> bool:
        return self.code in TEMPORARY_CODES or (self.status or 0) >= 500


class SlackRateLimited(SlackError):
    def __init__(self, method: str, retry_after: float | None) -> None:
        super().__init__(method, "ratelimited", status=429)
        self.retry_after = retry_after


class SlackNotConfigured(SlackError):
    def __init__(self) -> None:
        super().__init__("-", "not_configured")


QUIET_CODES = {"users_not_found", "user_not_found"}  # an answer, not a fault
TEMPORARY_CODES = {
    "ratelimited",
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
    "connection_error",
}


def web_client(config: SlackSettings | None = None) -> WebClient:
    config = config or slack_settings()
    if not config.bot_token:
        raise SlackNotConfigured()
    return WebClient(token=config.bot_token, base_url=config.api_url, timeout=TIMEOUT_SECONDS)


def call(method: str, client: WebClient | None = None, **params: Any) -> SlackResponse:
    """Call ``method`` (e.g. ``"chat.postMessage"``) and return the response, or raise."""
    client = client or web_client()
    sdk_method = getattr(client, method.replace(".", "_"))
    try:
        return sdk_method(**params)
    except SlackApiError as exc:
        raise _api_error(method, exc) from None
    except SlackClientError as exc:
        logger.warning("slack %s failed: client error %s", method, type(exc).__name__)
        raise SlackError(method, "client_error") from None
    except OSError as exc:
        logger.warning("slack %s failed: connection_error (%s)", method, type(exc).__name__)
        raise SlackError(method, "connection_error") from None


def _api_error(method: str, exc: SlackApiError) -> SlackError:
    response = exc.response
    status = response.status_code
    code = str((response.data or {}).get("error", "") if isinstance(response.data, dict) else "")
    if status == 429:
        retry_after = _retry_after(response.headers)
        logger.warning("slack %s failed: ratelimited (retry after %ss)", method, retry_after)
        return SlackRateLimited(method, retry_after)
    code = code or f"http_{status}"
    level = logging.DEBUG if code in QUIET_CODES else logging.WARNING
    logger.log(level, "slack %s failed: %s (HTTP %s)", method, code, status)
    return SlackError(method, code, status=status)


def _retry_after(headers: dict[str, Any]) -> float | None:
    for name, value in headers.items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) else value
            try:
                return max(float(raw), 0.0)
            except (TypeError, ValueError):
                return None
    return None


def granted_scopes(response: SlackResponse) -> set[str]:
    """The token's scopes, from the ``x-oauth-scopes`` header of any Web API response."""
    for name, value in response.headers.items():
        if name.lower() == "x-oauth-scopes":
            raw = value[0] if isinstance(value, list) else value
            return {scope.strip() for scope in str(raw).split(",") if scope.strip()}
    return set()

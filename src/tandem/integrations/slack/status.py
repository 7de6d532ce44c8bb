"""Is Slack working? Configured, the token accepted (``auth.test``), the scopes granted."""

from __future__ import annotations

from dataclasses import dataclass, field

from tandem.integrations.slack.client import SlackError, call, granted_scopes
from tandem.integrations.slack.config import BOT_SCOPES, slack_settings


@dataclass
class SlackStatus:
    configured: bool
    socket_mode: bool
    api_url: str
    standin: bool
    checked: bool = False
    auth_ok: bool = False
    team: str = ""
    bot_user: str = ""
    error: str = ""
    granted: set[str] = field(default_factory=set)

    @property
    def missing_scopes(self) -> list[str]:
        return [scope for scope in BOT_SCOPES if scope not in self.granted] if self.auth_ok else []

    @property
    def healthy(self) -> bool:
        return self.configured and self.auth_ok and not self.missing_scopes


def slack_status(*, check: bool = True) -> SlackStatus:
    config = slack_settings()
    status = SlackStatus(
        configured=config.configured,
        socket_mode=config.socket_mode,
        api_url=config.api_url,
        standin=not config.is_slack,
    )
    if not (check and config.bot_token):
        return status
    status.checked = True
    try:
        response = call("auth.test")
    except SlackError as exc:
        status.error = exc.code
        return status
    status.auth_ok = True
    status.team = str(response.get("team") or "")
    status.bot_user = str(response.get("user") or "")
    status.granted = granted_scopes(response)
    return status

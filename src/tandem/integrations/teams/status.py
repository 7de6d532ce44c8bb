"""Is Teams working? Configured, a token fetched for the Bot Connector and for Graph, and the
Graph application permissions granted (the ``roles`` claim of the Graph token)."""

from __future__ import annotations

from dataclasses import dataclass, field

import jwt

from tandem.integrations.teams.client import TeamsError, access_token
from tandem.integrations.teams.config import (
    BOT_FRAMEWORK_SCOPE,
    GRAPH_PERMISSIONS,
    teams_settings,
)


@dataclass
class TeamsStatus:
    configured: bool
    app_id: str
    tenant_id: str
    token_url: str
    graph_api_url: str
    standin: bool
    checked: bool = False
    connector_ok: bool = False
    graph_ok: bool = False
    error: str = ""
    granted: set[str] = field(default_factory=set)

    @property
    def missing_permissions(self) -> list[str]:
        return [p for p in GRAPH_PERMISSIONS if p not in self.granted] if self.graph_ok else []

    @property
    def healthy(self) -> bool:
        return (
            self.configured and self.connector_ok and self.graph_ok and not self.missing_permissions
        )


def roles_of(token: str) -> set[str]:
    """The application permissions in a Graph access token we were just given by the token
    endpoint over TLS (read, not verified: Graph verifies it, we only report on it)."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return set()
    return {str(role) for role in claims.get("roles") or []}


def teams_status(*, check: bool = True) -> TeamsStatus:
    config = teams_settings()
    status = TeamsStatus(
        configured=config.configured,
        app_id=config.app_id,
        tenant_id=config.tenant_id,
        token_url=config.token_url if config.tenant_id or config.token_url_override else "",
        graph_api_url=config.graph_api_url,
        standin=not config.is_microsoft,
    )
    if not (check and config.configured):
        return status
    status.checked = True
    try:
        access_token(BOT_FRAMEWORK_SCOPE)
        status.connector_ok = True
        status.granted = roles_of(access_token(config.graph_scope))
        status.graph_ok = True
    except TeamsError as exc:
        status.error = exc.code
    return status

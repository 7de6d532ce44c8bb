"""Is Teams working? Configured, a token fetched for the Bot Connector and for Graph, and the
Graph application permissions granted.

Which permissions are granted is asked of Graph, never read out of our own token:

1. the app's service principal's ``appRoleAssignments`` (matched to Graph's ``appRoles`` by id),
   which Graph answers only with the optional ``Application.Read.All``; without it,
2. one harmless read per permission (403 = not granted). ``Chat.Create`` has no harmless call
   (the only call creates a chat), and the chat and team permissions need a chat Tandem already
   made or a team a rotation follows, so those may stay "not checked".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tandem.integrations.teams.client import TeamsError, access_token, graph, graph_path
from tandem.integrations.teams.config import (
    BOT_FRAMEWORK_SCOPE,
    GRAPH_APP_ID,
    GRAPH_PERMISSIONS,
    TeamsSettings,
    teams_settings,
)
from tandem.integrations.teams.models import TeamsConversation, TeamsTeamLink

ASSIGNMENTS = "appRoleAssignments"
PROBES = "probes"


@dataclass
class TeamsStatus:
    configured: bool
    app_id: str
    tenant_id: str
    token_url: str
    graph_api_url: str
    standin: bool
    credential: str = ""
    checked: bool = False
    connector_ok: bool = False
    graph_ok: bool = False
    error: str = ""
    granted: set[str] = field(default_factory=set)
    refused: set[str] = field(default_factory=set)
    method: str = ""  # how the permissions were found: ASSIGNMENTS or PROBES

    @property
    def missing_permissions(self) -> list[str]:
        """Needed permissions Graph says are not granted."""
        if not self.graph_ok:
            return []
        if self.method == ASSIGNMENTS:
            return [p for p in GRAPH_PERMISSIONS if p not in self.granted]
        return [p for p in GRAPH_PERMISSIONS if p in self.refused]

    @property
    def unchecked_permissions(self) -> list[str]:
        """Needed permissions no harmless call could confirm (only with probes)."""
        if not self.graph_ok or self.method != PROBES:
            return []
        return [p for p in GRAPH_PERMISSIONS if p not in self.granted and p not in self.refused]

    @property
    def healthy(self) -> bool:
        return (
            self.configured and self.connector_ok and self.graph_ok and not self.missing_permissions
        )


def _values(body: dict[str, Any]) -> list[dict[str, Any]]:
    values = body.get("value")
    return [v for v in values if isinstance(v, dict)] if isinstance(values, list) else []


def assigned_permissions(config: TeamsSettings) -> set[str]:
    """The Graph application permissions assigned to our service principal, by name."""
    assignments = _values(
        graph(
            "GET",
            f"/servicePrincipals(appId='{config.app_id}')/appRoleAssignments",
            what="graph app role assignments",
        )
    )
    graph_sp = graph(
        "GET",
        f"/servicePrincipals(appId='{GRAPH_APP_ID}')?$select=id,appRoles",
        what="graph service principal",
    )
    roles = {
        str(role.get("id")): str(role.get("value"))
        for role in graph_sp.get("appRoles") or []
        if isinstance(role, dict)
    }
    return {
        roles[str(a.get("appRoleId"))]
        for a in assignments
        if str(a.get("resourceId")) == str(graph_sp.get("id")) and str(a.get("appRoleId")) in roles
    }


def _probe(path: str, name: str, granted: set[str], refused: set[str]) -> dict[str, Any] | None:
    """One harmless read: 200 → granted, 403 → refused, anything else → not known."""
    try:
        body = graph("GET", path, what=f"graph probe {name}")
    except TeamsError as exc:
        if exc.status == 403:
            refused.add(name)
        return None
    granted.add(name)
    return body


def probed_permissions(config: TeamsSettings) -> tuple[set[str], set[str]]:
    """(granted, refused) by a harmless read per permission that has one."""
    granted: set[str] = set()
    refused: set[str] = set()
    mine = f"$expand=teamsApp&$filter=teamsApp/externalId eq '{config.app_id}'"
    _probe(
        f"/appCatalogs/teamsApps?$filter=externalId eq '{config.app_id}'",
        "AppCatalog.Read.All",
        granted,
        refused,
    )
    users = _probe("/users?$top=1&$select=id", "User.Read.All", granted, refused)
    first = _values(users or {})
    if first:
        _probe(
            graph_path("users", str(first[0].get("id")), "teamwork", "installedApps") + "?" + mine,
            "TeamsAppInstallation.ReadWriteSelfForUser.All",
            granted,
            refused,
        )
    chat = TeamsConversation.objects.order_by("-opened_at").values_list("chat_id", flat=True)
    if chat.first():
        _probe(
            graph_path("chats", str(chat.first()), "installedApps") + "?" + mine,
            "TeamsAppInstallation.ReadWriteSelfForChat.All",
            granted,
            refused,
        )
    team = TeamsTeamLink.objects.order_by("pk").values_list("team_id", flat=True).first()
    if team:
        _probe(graph_path("teams", team, "members"), "TeamMember.Read.All", granted, refused)
    return granted, refused


def teams_status(*, check: bool = True) -> TeamsStatus:
    config = teams_settings()
    status = TeamsStatus(
        configured=config.configured,
        app_id=config.app_id,
        tenant_id=config.tenant_id,
        token_url=config.token_url if config.tenant_id or config.token_url_override else "",
        graph_api_url=config.graph_api_url,
        standin=not config.is_microsoft,
        credential=config.credential,
    )
    if not (check and config.configured):
        return status
    status.checked = True
    try:
        access_token(BOT_FRAMEWORK_SCOPE)
        status.connector_ok = True
        access_token(config.graph_scope)
        status.graph_ok = True
        try:
            status.granted = assigned_permissions(config)
            status.method = ASSIGNMENTS
        except TeamsError as exc:
            if exc.status != 403:  # 403: no Application.Read.All; ask permission by permission
                raise
            status.granted, status.refused = probed_permissions(config)
            status.method = PROBES
    except TeamsError as exc:
        status.error = exc.code
    return status

"""Teams settings as one value (read from Django settings, which read the environment)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

# Graph application permissions the bot's app registration needs (admin consent), with the
# reason shown on the admin page and in the README.
GRAPH_PERMISSIONS: dict[str, str] = {
    "User.Read.All": "find people by their work email or UPN (GET /users/{upn})",
    "TeamsAppInstallation.ReadWriteSelfForUser.All": (
        "install Tandem for a person so the bot can write to them first"
    ),
    "Chat.Create": "create the group chat of a pair or circle (POST /chats)",
    "TeamsAppInstallation.ReadWriteSelfForChat.All": (
        "add Tandem to that group chat so the bot can post the introduction"
    ),
    "AppCatalog.Read.All": "find the uploaded Tandem app in the organisation's app catalog",
    "TeamMember.Read.All": "read the members of a team a coffee rotation follows",
}
# Optional: lets `tandem teams check` read every granted permission from the service principal's
# appRoleAssignments; without it each permission is tried with a harmless call instead.
CHECK_PERMISSION = "Application.Read.All"
# Microsoft Graph's own application id, the same in every cloud.
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
BOT_FRAMEWORK_SCOPE = "https://api.botframework.com/.default"
BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
MICROSOFT_GRAPH = "https://graph.microsoft.com/"


@dataclass(frozen=True)
class TeamsSettings:
    app_id: str
    app_password: str
    tenant_id: str
    certificate_path: str
    openid_config_url: str
    token_issuer: str
    token_url_override: str
    graph_api_url: str
    service_url: str

    @property
    def configured(self) -> bool:
        """Enough to check what Teams sends (app id) and to answer and post (secret, tenant)."""
        return bool(self.app_id and (self.app_password or self.certificate_path) and self.tenant_id)

    @property
    def credential(self) -> str:
        """Which credential proves who we are to Entra: a certificate wins over a secret."""
        if self.certificate_path:
            return "certificate"
        return "client secret" if self.app_password else ""

    @property
    def token_url(self) -> str:
        if self.token_url_override:
            return self.token_url_override
        return f"https://login.microsoftonline.com/{self.tenant_id}/oauth2/v2.0/token"

    @property
    def graph_scope(self) -> str:
        """``https://graph.microsoft.com/.default`` (or the sovereign cloud's Graph)."""
        parts = urlsplit(self.graph_api_url)
        return f"{parts.scheme}://{parts.netloc}/.default"

    @property
    def is_microsoft(self) -> bool:
        """Whether Graph is Microsoft's own (and not a local stand-in)."""
        return self.graph_api_url.startswith(MICROSOFT_GRAPH)


def teams_settings() -> TeamsSettings:
    return TeamsSettings(
        app_id=settings.TEAMS_APP_ID,
        app_password=settings.TEAMS_APP_PASSWORD,
        tenant_id=settings.TEAMS_TENANT_ID,
        certificate_path=settings.TEAMS_APP_CERTIFICATE_PATH,
        openid_config_url=settings.TEAMS_OPENID_CONFIG_URL,
        token_issuer=settings.TEAMS_TOKEN_ISSUER,
        token_url_override=settings.TEAMS_TOKEN_URL,
        graph_api_url=settings.GRAPH_API_URL,
        service_url=settings.TEAMS_SERVICE_URL,
    )

"""The group chat of a pair or circle: created through Graph (``POST /chats``, ``Chat.Create``),
Tandem added to it (``TeamsAppInstallation.ReadWriteSelfForChat.All``) so the bot can post; one
per relationship, remembered so later messages and retries land in the same chat."""

from __future__ import annotations

from tandem.integrations.teams.client import TeamsError, graph, graph_path
from tandem.integrations.teams.config import teams_settings
from tandem.integrations.teams.models import TeamsConversation
from tandem.integrations.teams.services.people import catalog_app_id

TOPIC_MAX = 250


def group_chat(people: list[str], *, relationship_id: int | None, topic: str) -> tuple[str, str]:
    """(chat id, service url) for these people's group chat, created the first time."""
    if relationship_id:
        known = TeamsConversation.objects.filter(relationship_id=relationship_id).first()
        if known is not None:
            return known.chat_id, known.service_url
    config = teams_settings()
    members = [
        {
            "@odata.type": "#microsoft.graph.aadUserConversationMember",
            "roles": ["owner"],
            "user@odata.bind": f"{config.graph_api_url}/users('{object_id}')",
        }
        for object_id in sorted(set(people))
    ]
    chat_type = "oneOnOne" if len(members) == 2 and not relationship_id else "group"
    body = {"chatType": chat_type, "members": members}
    if chat_type == "group":
        body["topic"] = topic[:TOPIC_MAX]
    chat = graph("POST", "/chats", json=body, what="graph create chat")
    chat_id = str(chat.get("id") or "")
    if not chat_id:
        raise TeamsError("graph create chat", "no_chat_id")
    bind = f"{config.graph_api_url}/appCatalogs/teamsApps/{catalog_app_id()}"
    try:
        graph(
            "POST",
            graph_path("chats", chat_id, "installedApps"),
            json={"teamsApp@odata.bind": bind},
            what="graph install app in chat",
        )
    except TeamsError as exc:
        if exc.status != 409:  # already there
            raise
    if relationship_id:
        TeamsConversation.objects.update_or_create(
            relationship_id=relationship_id,
            defaults={"chat_id": chat_id, "service_url": config.service_url},
        )
    return chat_id, config.service_url

"""Who is who in Teams: people found by email/UPN through Microsoft Graph, remembered with when
we asked; and the bot's 1:1 chat with a person (Tandem installed for them through Graph, so the
bot can write first).

A remembered answer (found or not) is trusted for ``TEAMS_LOOKUP_MAX_AGE_DAYS``.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from tandem.accounts.models import User
from tandem.integrations import directory_sync as shared
from tandem.integrations.directory_sync import SyncReport
from tandem.integrations.teams.client import TeamsError, graph, graph_path
from tandem.integrations.teams.config import teams_settings
from tandem.integrations.teams.models import TeamsIdentity

SELECT = "$select=id,userPrincipalName,mail,displayName"
STOPPING = {"throttled", "InvalidAuthenticationToken", "Authorization_RequestDenied"}


def _max_age() -> timedelta:
    return timedelta(days=settings.TEAMS_LOOKUP_MAX_AGE_DAYS)


def find_in_graph(email: str) -> dict[str, str] | None:
    """The directory entry for a work email: first as a UPN, then by ``mail``; None if absent."""
    try:
        return graph("GET", graph_path("users", email) + "?" + SELECT, what="graph user")
    except TeamsError as exc:
        if not exc.not_found:
            raise
    escaped = email.replace("'", "''")
    found = graph(
        "GET", f"/users?$filter=mail eq '{escaped}'&{SELECT}&$top=1", what="graph user by mail"
    )
    values = found.get("value") or []
    return values[0] if values and isinstance(values[0], dict) else None


def identity_lookup(user: User, *, now: datetime | None = None) -> TeamsIdentity:
    """Ask Graph for ``user`` by email and remember the answer (found or not).

    Raises ``TeamsError`` for anything but "not found", so a passing failure is never remembered
    as "not in Teams".
    """
    now = now or timezone.now()
    entry = find_in_graph(user.email)
    defaults = {
        "aad_object_id": str(entry.get("id") or "") if entry else "",
        "upn": str(entry.get("userPrincipalName") or "") if entry else "",
        "email_checked": user.email,
        "checked_at": now,
        "error": "" if entry else "not_found",
    }
    current = TeamsIdentity.objects.filter(user=user).first()
    if current is not None and current.aad_object_id != defaults["aad_object_id"]:
        defaults |= {"chat_id": "", "service_url": ""}  # a different account: a different chat
    identity, _ = TeamsIdentity.objects.update_or_create(user=user, defaults=defaults)
    return identity


def user_for_aad_id(aad_object_id: str) -> User | None:
    """The Tandem user behind an Entra object id; asks Graph for an unknown one."""
    identity = (
        TeamsIdentity.objects.select_related("user")
        .filter(aad_object_id=aad_object_id, user__is_active=True)
        .first()
    )
    if identity is not None:
        return identity.user
    try:
        entry = graph("GET", graph_path("users", aad_object_id) + "?" + SELECT, what="graph user")
    except TeamsError as exc:
        if exc.not_found:
            return None
        raise
    emails = {str(entry.get(k) or "") for k in ("mail", "userPrincipalName")} - {""}
    match = Q(pk__in=[])
    for email in emails:
        match |= Q(email__iexact=email)
    user = User.objects.filter(match, is_active=True).order_by("pk").first()
    if user is not None:
        TeamsIdentity.objects.update_or_create(
            user=user,
            defaults={
                "aad_object_id": aad_object_id,
                "upn": str(entry.get("userPrincipalName") or ""),
                "email_checked": user.email,
                "checked_at": timezone.now(),
                "error": "",
            },
        )
    return user


# --- the app, installed for a person --------------------------------------------------------

_catalog: dict[str, str] = {}
_catalog_lock = threading.Lock()


def catalog_app_id() -> str:
    """The id of our app in the organisation's catalog (the uploaded package's ``id`` is the
    bot's app id, which Graph calls ``externalId``)."""
    app_id = teams_settings().app_id
    with _catalog_lock:
        if app_id in _catalog:
            return _catalog[app_id]
    found = graph(
        "GET",
        f"/appCatalogs/teamsApps?$filter=externalId eq '{app_id}'",
        what="graph app catalog",
    )
    values = found.get("value") or []
    if not values:
        raise TeamsError("graph app catalog", "app_not_uploaded", status=404)
    with _catalog_lock:
        _catalog[app_id] = str(values[0]["id"])
    return _catalog[app_id]


def forget_catalog() -> None:
    with _catalog_lock:
        _catalog.clear()


def personal_chat(identity: TeamsIdentity) -> tuple[str, str]:
    """(chat id, service url) of the bot's 1:1 chat with a person: remembered, or Tandem is
    installed for them (``TeamsAppInstallation.ReadWriteSelfForUser.All``) and the chat read."""
    if identity.chat_id:
        return identity.chat_id, identity.service_url or teams_settings().service_url
    user_path = graph_path("users", identity.aad_object_id, "teamwork", "installedApps")
    catalog_id = catalog_app_id()
    bind = f"{teams_settings().graph_api_url}/appCatalogs/teamsApps/{catalog_id}"
    try:
        graph("POST", user_path, json={"teamsApp@odata.bind": bind}, what="graph install app")
    except TeamsError as exc:
        if exc.status != 409:  # 409: already installed for them
            raise
    installed = graph(
        "GET",
        f"{user_path}?$expand=teamsApp&$filter=teamsApp/id eq '{catalog_id}'",
        what="graph installed apps",
    )
    values = installed.get("value") or []
    if not values:
        raise TeamsError("graph installed apps", "not_installed", status=404)
    chat = graph("GET", f"{user_path}/{values[0]['id']}/chat", what="graph installed app chat")
    chat_id = str(chat.get("id") or "")
    if not chat_id:
        raise TeamsError("graph installed app chat", "no_chat", status=404)
    service_url = identity.service_url or teams_settings().service_url
    TeamsIdentity.objects.filter(pk=identity.pk).update(chat_id=chat_id, service_url=service_url)
    return chat_id, service_url


# --- the whole directory -------------------------------------------------------------------


def directory_sync(*, only_stale: bool = False, now: datetime | None = None) -> SyncReport:
    """Look every active person up by email (or only those not asked recently); see
    ``tandem.integrations.directory_sync``."""
    now = now or timezone.now()
    return shared.directory_sync(
        tool="Teams",
        identity_of="teams_identity",
        lookup=lambda user: identity_lookup(user, now=now),
        error=TeamsError,
        stops=lambda exc: exc.code in STOPPING or exc.status in (401, 403),
        max_age=_max_age(),
        only_stale=only_stale,
        now=now,
    )


def people_in_teams_count() -> tuple[int, int]:
    """(found, active people) from memory, for the admin page."""
    return shared.people_found_count(TeamsIdentity.objects.all(), found=~Q(aad_object_id=""))

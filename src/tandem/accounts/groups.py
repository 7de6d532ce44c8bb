"""Roles from an identity provider's groups: the one rule for OIDC, SAML and SCIM groups."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings

from tandem.accounts.models import Role


def is_break_glass(user: Any) -> bool:
    """The named admins who keep password sign-in when SSO is the only way in, and whose role
    no identity provider's groups can take away."""
    return is_break_glass_email(str(getattr(user, "email", "")))


def is_break_glass_email(email: str) -> bool:
    email = email.strip().lower()
    return bool(email) and email in {e.lower() for e in settings.TANDEM_SSO_BREAK_GLASS_EMAILS}


def group_mapping_configured() -> bool:
    return bool(settings.TANDEM_SSO_ADMIN_GROUPS or settings.TANDEM_SSO_COORDINATOR_GROUPS)


def role_for_groups(groups: Iterable[str]) -> str | None:
    """The role the groups grant, or ``None`` when no group mapping is configured (roles are then
    managed in Tandem). Group names compare case-insensitively; Entra sends object ids, which
    compare the same way."""
    if not group_mapping_configured():
        return None
    names = {g.strip().casefold() for g in groups if g and g.strip()}
    if names & {g.casefold() for g in settings.TANDEM_SSO_ADMIN_GROUPS}:
        return Role.ADMIN
    if names & {g.casefold() for g in settings.TANDEM_SSO_COORDINATOR_GROUPS}:
        return Role.COORDINATOR
    return Role.PARTICIPANT

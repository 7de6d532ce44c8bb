"""Reads for accounts: what a signed-in person may see of their own account."""

from __future__ import annotations

from django.db.models import QuerySet

from tandem.accounts.models import ApiToken, Invitation, User
from tandem.accounts.tokens import digest


def api_tokens(user: User) -> QuerySet[ApiToken]:
    """The person's API tokens, newest first, revoked ones included (shown as revoked)."""
    return ApiToken.objects.filter(user=user)


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link carries, if it can still be used (only its hash is stored)."""
    invitation = Invitation.objects.select_related("user").filter(token_hash=digest(token)).first()
    if invitation is None or not invitation.is_usable() or not invitation.user.is_active:
        return None
    return invitation

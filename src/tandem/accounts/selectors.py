"""Reads for accounts: what a signed-in person may see of their own account."""

from __future__ import annotations

from django.db.models import QuerySet

from tandem.accounts.models import ApiToken, User


def api_tokens(user: User) -> QuerySet[ApiToken]:
    """The person's API tokens, newest first, revoked ones included (shown as revoked)."""
    return ApiToken.objects.filter(user=user)

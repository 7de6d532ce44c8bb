"""Password sign-in, switched off by ``SSO_ONLY`` for everyone but the break-glass admins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from tandem.accounts.groups import is_break_glass_email
from tandem.accounts.models import User


def passwords_allowed_for(email: str) -> bool:
    return not settings.TANDEM_SSO_ONLY or is_break_glass_email(email)


class PasswordBackend(ModelBackend):
    """Django's model backend; with ``SSO_ONLY`` a password only signs in a break-glass admin.

    Sessions started through SSO use this backend too (``get_user`` is unchanged), so the switch
    never signs out people who came through the identity provider.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is not None and not passwords_allowed_for(username):
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        return user if isinstance(user, User) else None

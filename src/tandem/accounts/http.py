"""The typed edge: what a view behind ``login_required`` receives.

``request.user`` is a signed-in :class:`User` (not ``AbstractBaseUser | AnonymousUser``) and
``request.htmx`` is django-htmx's details, so views need neither casts nor ``type: ignore``.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from tandem.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
    htmx: HtmxDetails

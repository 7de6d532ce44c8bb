"""OpenID Connect relying party on Authlib: discovery from ``OIDC_ISSUER``, authorization code
with PKCE (S256), state and nonce kept in the session, and the ID token's signature (JWKS from
discovery, refetched on an unknown key id), issuer, audience, expiry and nonce checked.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from joserfc.errors import JoseError

from tandem.sso.config import oidc_redirect_uri
from tandem.sso.services import SsoIdentity

METADATA_MAX_AGE = 3600  # discovery and keys are fetched again after an hour

_lock = threading.Lock()
_clients: dict[tuple[str, str, str, str], tuple[float, DjangoOAuth2App]] = {}


class OidcError(Exception):
    """The sign-in could not be completed; ``str()`` is safe to show, details go to the log."""


def client() -> DjangoOAuth2App:
    key = (
        settings.OIDC_ISSUER,
        settings.OIDC_CLIENT_ID,
        settings.OIDC_CLIENT_SECRET,
        settings.OIDC_SCOPES,
    )
    with _lock:
        cached = _clients.get(key)
        if cached is not None and time.monotonic() - cached[0] < METADATA_MAX_AGE:
            return cached[1]
        registry = OAuth()
        app: DjangoOAuth2App = registry.register(
            name="tandem",
            client_id=settings.OIDC_CLIENT_ID,
            client_secret=settings.OIDC_CLIENT_SECRET or None,
            server_metadata_url=f"{settings.OIDC_ISSUER}/.well-known/openid-configuration",
            client_kwargs={
                "scope": settings.OIDC_SCOPES,
                "code_challenge_method": "S256",
                "default_timeout": settings.TANDEM_SSO_HTTP_TIMEOUT,
            },
        )
        _clients[key] = (time.monotonic(), app)
        return app


def start(request: HttpRequest) -> HttpResponse:
    """Redirect to the provider; state, nonce and the PKCE verifier go into the session."""
    try:
        response: HttpResponse = client().authorize_redirect(request, oidc_redirect_uri())
    except (requests.RequestException, ValueError, KeyError) as exc:
        raise OidcError(
            "Tandem cannot reach your identity provider right now. Try again in a minute."
        ) from exc
    return response


def finish(request: HttpRequest) -> SsoIdentity:
    """Exchange the code and verify the ID token; raises ``OidcError`` on anything wrong."""
    try:
        token: dict[str, Any] = client().authorize_access_token(request)
    except OAuthError as exc:
        if exc.error == "mismatching_state":
            raise OidcError(
                "This sign-in link was already used or has expired. Start again."
            ) from exc
        raise OidcError(f"Your identity provider refused the sign-in ({exc.error}).") from exc
    except (JoseError, AuthlibBaseError) as exc:
        raise OidcError(
            "The identity provider's answer did not pass Tandem's checks (signature, issuer, "
            "audience or expiry)."
        ) from exc
    except requests.RequestException as exc:
        raise OidcError("Tandem cannot reach your identity provider right now.") from exc
    claims = token.get("userinfo")
    if not claims:
        raise OidcError("The identity provider sent no ID token.")
    return identity_from_claims(dict(claims))


def identity_from_claims(claims: dict[str, Any]) -> SsoIdentity:
    groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(groups, str):
        groups = [groups]
    name = claims.get("name") or " ".join(
        str(claims[k]) for k in ("given_name", "family_name") if claims.get(k)
    )
    verified = claims.get("email_verified")
    return SsoIdentity(
        provider="oidc",
        subject=str(claims.get("sub", "")),
        email=str(claims.get("email") or ""),
        # Entra ID sends no email_verified claim; its "email" is the directory's own value
        # only with the "xms_edov" optional claim, so absence counts as not verified.
        email_verified=verified is True or str(verified).lower() == "true",
        name=str(name or ""),
        groups=[str(g) for g in groups if g],
    )

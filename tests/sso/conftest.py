from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests

from tandem.sso import oidc


@pytest.fixture
def oidc_settings(settings, oidc_provider):
    settings.OIDC_ISSUER = oidc_provider
    settings.OIDC_CLIENT_ID = "tandem-test"
    settings.OIDC_CLIENT_SECRET = "s3cret-for-tests"
    settings.OIDC_PROVIDER_NAME = "Northwind ID"
    settings.TANDEM_SSO_ADMIN_GROUPS = ["tandem-admins"]
    settings.TANDEM_SSO_COORDINATOR_GROUPS = ["tandem-coordinators"]
    oidc._clients.clear()
    yield settings
    oidc._clients.clear()


def set_provider_user(issuer: str, sub: str, **claims) -> None:
    response = requests.put(f"{issuer}/users/{sub}", json=claims, timeout=5)
    assert response.status_code == 204, response.text


def oidc_dance(client, issuer: str, sub: str):
    """Start at Tandem, submit the provider's authorization form as ``sub``, come back.

    Returns (callback URL, response of Tandem's callback)."""
    start = client.post("/sso/oidc/start/")
    assert start.status_code == 302, start.content[:300]
    authorize = start["Location"]
    assert authorize.startswith(f"{issuer}/oauth2/authorize?")
    assert "code_challenge=" in authorize and "code_challenge_method=S256" in authorize
    assert "nonce=" in authorize and "state=" in authorize
    form = requests.get(authorize, timeout=5)
    assert form.status_code == 200 and "<form" in form.text  # the provider's sign-in form
    answer = requests.post(authorize, data={"sub": sub}, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text[:300]
    callback = answer.headers["Location"]
    parts = urlsplit(callback)
    assert parts.path == "/sso/oidc/callback/"
    local = f"{parts.path}?{parts.query}"
    return local, client.get(local)

"""The ID token checks: a stand-in issuer signs real tokens that are wrong in one way each."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client

from tandem.sso import oidc
from tests.factories import PersonFactory, UserFactory
from tests.sso.oidc_standin import StandInIssuer

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def standin():
    with StandInIssuer() as issuer:
        yield issuer


@pytest.fixture
def issuer(settings, standin):
    settings.OIDC_ISSUER = standin.url
    settings.OIDC_CLIENT_ID = "tandem-test"
    settings.OIDC_CLIENT_SECRET = "secret"
    oidc._clients.clear()
    PersonFactory(user=UserFactory(email="lea@example.com"))
    standin.claims = {"email": "lea@example.com", "email_verified": True}
    standin.mode = "ok"
    yield standin
    oidc._clients.clear()


def _sign_in(client: Client):
    start = client.post("/sso/oidc/start/")
    back = requests.get(start["Location"], allow_redirects=False, timeout=5).headers["Location"]
    parts = urlsplit(back)
    return client.get(f"{parts.path}?{parts.query}")


def test_a_good_token_signs_in(issuer):
    client = Client()
    assert _sign_in(client).status_code == 302
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize(
    "mode", ["bad_signature", "wrong_audience", "wrong_issuer", "expired", "wrong_nonce"]
)
def test_a_token_that_fails_a_check_is_refused(issuer, mode):
    issuer.mode = mode
    client = Client()
    response = _sign_in(client)
    assert response.status_code == 403
    assert "did not pass" in response.content.decode()
    assert "_auth_user_id" not in client.session

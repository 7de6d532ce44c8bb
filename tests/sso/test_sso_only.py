"""The "SSO only" switch: passwords off for everyone but the named break-glass admins."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def sso_only(settings):
    settings.OIDC_ISSUER = "https://login.example.test"
    settings.OIDC_CLIENT_ID = "tandem"
    settings.OIDC_PROVIDER_NAME = "Northwind ID"
    settings.TANDEM_SSO_ONLY = True
    settings.TANDEM_SSO_BREAK_GLASS_EMAILS = ["admin@example.com"]
    return settings


def _password_sign_in(user) -> tuple[Client, object]:
    client = Client()
    response = client.post("/accounts/login/", {"email": user.email, "password": PASSWORD})
    return client, response


def test_passwords_are_refused_for_everyone_else(sso_only, participant, coordinator):
    for user in (participant, coordinator):
        client, response = _password_sign_in(user)
        assert response.status_code == 200
        assert "Passwords are switched off" in response.content.decode()
        assert "_auth_user_id" not in client.session


def test_the_break_glass_admin_still_signs_in_with_a_password(sso_only, admin):
    client, response = _password_sign_in(admin)
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_the_sign_in_page_leads_with_sso_and_hides_password_reset(sso_only):
    page = Client().get("/accounts/login/")
    html = page.content.decode()
    assert "Sign in with Northwind ID" in html and "Break-glass admin sign-in" in html
    assert "Forgot your password" not in html
    assert "https://login.example.test" in page["Content-Security-Policy"]


def test_invitations_do_not_set_passwords(sso_only):
    response = Client().get("/accounts/invitation/whatever/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"


def test_without_the_switch_passwords_work(settings, participant):
    settings.TANDEM_SSO_ONLY = False
    _, response = _password_sign_in(participant)
    assert response.status_code == 302


def test_password_resets_send_nothing(sso_only, participant):
    from tandem.notify.models import OutboxMessage

    response = Client().post("/accounts/password/reset/", {"email": participant.email})
    assert response.status_code == 302
    assert not OutboxMessage.objects.filter(recipient=participant.email).exists()

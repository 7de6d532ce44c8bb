"""OpenID Connect sign-in against a real provider started by the tests (oidc-provider-mock)."""

from __future__ import annotations

import pytest
import requests
from django.test import Client

from tandem.accounts.models import Role, UserSession
from tandem.audit.models import AuditEntry
from tandem.people.models import Person, PersonStatus
from tandem.people.services import mark_left
from tandem.sso.models import ExternalIdentity
from tests.factories import PersonFactory, UserFactory
from tests.sso.conftest import oidc_dance, set_provider_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def employee(db):
    return PersonFactory(user=UserFactory(email="mia.svensson@example.com", name="Mia Svensson"))


def test_sign_in_page_offers_the_provider(oidc_settings):
    page = Client().get("/accounts/login/")
    assert "Sign in with Northwind ID" in page.content.decode()
    assert oidc_settings.OIDC_ISSUER in page["Content-Security-Policy"]


def test_full_redirect_dance_signs_in_and_rotates_the_session(oidc_settings, employee):
    issuer = oidc_settings.OIDC_ISSUER
    set_provider_user(
        issuer, "sub-mia", email="Mia.Svensson@example.com", email_verified=True, name="Mia S"
    )
    client = Client()
    client.get("/accounts/login/")
    client.post("/sso/oidc/start/")
    before = client.session.session_key
    _, response = oidc_dance(client, issuer, "sub-mia")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session.session_key != before
    assert int(client.session["_auth_user_id"]) == employee.user_id
    assert "tandem_started" in client.session  # the idle/absolute limits apply to SSO sessions
    assert UserSession.objects.filter(user=employee.user).count() == 1
    assert ExternalIdentity.objects.get(user=employee.user).subject == "sub-mia"
    assert AuditEntry.objects.filter(action="account.sso_signed_in", actor=employee.user).exists()
    assert client.get("/").status_code == 200


def test_replayed_state_is_refused(oidc_settings, employee):
    issuer = oidc_settings.OIDC_ISSUER
    set_provider_user(issuer, "sub-mia2", email=employee.email, email_verified=True)
    client = Client()
    callback, first = oidc_dance(client, issuer, "sub-mia2")
    assert first.status_code == 302
    client.post("/accounts/logout/")
    again = client.get(callback)
    assert again.status_code == 403
    assert "already used or has expired" in again.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_callback_from_another_browser_is_refused(oidc_settings, employee):
    issuer = oidc_settings.OIDC_ISSUER
    set_provider_user(issuer, "sub-mia3", email=employee.email, email_verified=True)
    start = Client().post("/sso/oidc/start/")
    answer = requests.post(
        start["Location"], data={"sub": "sub-mia3"}, allow_redirects=False, timeout=5
    )
    stranger = Client()  # login CSRF: a code and state meant for someone else's browser
    response = stranger.get("/sso/oidc/callback/?" + answer.headers["Location"].split("?", 1)[1])
    assert response.status_code == 403
    assert "_auth_user_id" not in stranger.session


def test_unverified_email_is_refused(oidc_settings, employee):
    issuer = oidc_settings.OIDC_ISSUER
    set_provider_user(issuer, "sub-unverified", email=employee.email, email_verified=False)
    client = Client()
    _, response = oidc_dance(client, issuer, "sub-unverified")
    assert response.status_code == 403
    assert "did not confirm your email" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="account.sso_refused").exists()


def test_unknown_person_is_refused_unless_just_in_time_creation_is_on(oidc_settings):
    issuer = oidc_settings.OIDC_ISSUER
    set_provider_user(
        issuer, "sub-new", email="new.hire@example.com", email_verified=True, name="Noor Haddad"
    )
    _, refused = oidc_dance(Client(), issuer, "sub-new")
    assert refused.status_code == 403
    assert "directory yet" in refused.content.decode()
    assert not Person.objects.filter(user__email="new.hire@example.com").exists()

    oidc_settings.TANDEM_SSO_CREATE_USERS = True
    _, created = oidc_dance(Client(), issuer, "sub-new")
    assert created.status_code == 302
    person = Person.objects.get(user__email="new.hire@example.com")
    assert person.user.name == "Noor Haddad" and person.status == PersonStatus.ACTIVE


def test_roles_follow_groups_at_every_sign_in(oidc_settings, employee):
    issuer = oidc_settings.OIDC_ISSUER
    set_provider_user(
        issuer, "sub-g", email=employee.email, email_verified=True, groups=["tandem-admins"]
    )
    oidc_dance(Client(), issuer, "sub-g")
    employee.user.refresh_from_db()
    assert employee.user.role == Role.ADMIN
    set_provider_user(
        issuer, "sub-g", email=employee.email, email_verified=True, groups=["tandem-coordinators"]
    )
    oidc_dance(Client(), issuer, "sub-g")
    employee.user.refresh_from_db()
    assert employee.user.role == Role.COORDINATOR
    set_provider_user(issuer, "sub-g", email=employee.email, email_verified=True, groups=[])
    oidc_dance(Client(), issuer, "sub-g")
    employee.user.refresh_from_db()
    assert employee.user.role == Role.PARTICIPANT
    changes = AuditEntry.objects.filter(
        action="account.role_changed", target_id=str(employee.user_id)
    )
    assert changes.count() == 3


def test_a_leaver_cannot_sign_in(oidc_settings, employee):
    issuer = oidc_settings.OIDC_ISSUER
    mark_left(person_ids=[employee.pk], actor=None, reason="test")
    set_provider_user(issuer, "sub-left", email=employee.email, email_verified=True)
    _, response = oidc_dance(Client(), issuer, "sub-left")
    assert response.status_code == 403
    assert "no longer active" in response.content.decode()


def test_another_subject_cannot_take_over_a_linked_account(oidc_settings, employee):
    issuer = oidc_settings.OIDC_ISSUER
    set_provider_user(issuer, "sub-first", email=employee.email, email_verified=True)
    oidc_dance(Client(), issuer, "sub-first")
    set_provider_user(issuer, "sub-second", email=employee.email, email_verified=True)
    _, response = oidc_dance(Client(), issuer, "sub-second")
    assert response.status_code == 403
    assert "linked to a different identity" in response.content.decode()

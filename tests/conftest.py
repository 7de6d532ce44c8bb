from __future__ import annotations

import os

import pytest
from django.test import Client

from tandem.accounts.models import Role
from tests.factories import PASSWORD, PersonFactory, UserFactory
from tests.openapi import check_response

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the tests
# themselves are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings, tmp_path):
    """Library files a test uploads land in its own folder, never in the checkout's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _api_keeps_its_published_contract(monkeypatch):
    """Every API response a test receives is checked against ``/api/openapi.json``."""
    request = Client.request

    def checked(self, **kwargs):
        response = request(self, **kwargs)
        check_response(response)
        return response

    monkeypatch.setattr(Client, "request", checked)


@pytest.fixture
def admin(db):
    return PersonFactory(
        user=UserFactory(email="admin@example.com", name="Ada Admin", role=Role.ADMIN),
        department__name="People",
    ).user


@pytest.fixture
def coordinator(db):
    return PersonFactory(
        user=UserFactory(email="coord@example.com", name="Cora Coordinator", role=Role.COORDINATOR),
        department__name="People",
    ).user


@pytest.fixture
def participant(db):
    return PersonFactory(
        user=UserFactory(email="pat@example.com", name="Pat Participant"),
        department__name="Engineering",
    ).user


@pytest.fixture
def outsider(db):
    """Another participant: never allowed to see ``participant``'s things."""
    return PersonFactory(
        user=UserFactory(email="olly@example.com", name="Olly Outsider"),
        department__name="Sales",
    ).user


def client_for(user) -> Client:
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


@pytest.fixture
def as_user():
    return client_for


@pytest.fixture(scope="session")
def oidc_provider():
    """A real OpenID Connect provider (oidc-provider-mock, built on Authlib's server) in a
    thread, for the SSO tests and the SSO browser journey."""
    from oidc_provider_mock import run_server_in_thread

    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"

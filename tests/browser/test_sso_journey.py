"""Sign in with SSO end to end in Chromium: Tandem's button, the provider's own authorization
form (oidc-provider-mock), back to Tandem signed in with the role the groups give."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tandem.accounts.models import Role, User
from tandem.sso import oidc
from tests.factories import PersonFactory, UserFactory
from tests.sso.conftest import set_provider_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sso_page(browser, live_server, oidc_provider, settings):
    settings.SITE_URL = live_server.url
    settings.OIDC_ISSUER = oidc_provider
    settings.OIDC_CLIENT_ID = "tandem-browser"
    settings.OIDC_CLIENT_SECRET = "browser-secret"
    settings.OIDC_PROVIDER_NAME = "Northwind ID"
    settings.TANDEM_SSO_COORDINATOR_GROUPS = ["mentoring-coordinators"]
    oidc._clients.clear()
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    # the provider's page styles itself from a CDN, which this machine cannot reach
    context.route(re.compile(r"https://cdn\.jsdelivr\.net/.*"), lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(15_000)
    tandem_errors: list[str] = []
    page.on("pageerror", lambda exc: tandem_errors.append(str(exc)))
    yield page
    context.close()
    oidc._clients.clear()
    assert not tandem_errors


def test_sign_in_with_sso_through_the_providers_form(sso_page, oidc_provider):
    PersonFactory(user=UserFactory(email="jonas.sso@northwind.example", name="Jonas Weber"))
    set_provider_user(
        oidc_provider,
        "jonas-oid",
        email="jonas.sso@northwind.example",
        email_verified=True,
        name="Jonas Weber",
        groups=["mentoring-coordinators"],
    )
    page = sso_page
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with Northwind ID").click()
    page.wait_for_url(f"{oidc_provider}/oauth2/authorize**")
    page.get_by_placeholder("sub").fill("jonas-oid")
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(re.compile(r".*/$"))
    expect(page.locator(".usermenu .who")).to_contain_text("Jonas Weber")
    assert User.objects.get(email="jonas.sso@northwind.example").role == Role.COORDINATOR

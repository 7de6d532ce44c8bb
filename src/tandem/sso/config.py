"""Which identity providers are configured, read from the settings (``OIDC_*``, ``SAML_*``)."""

from __future__ import annotations

from urllib.parse import urlparse

from django.conf import settings
from django.urls import reverse

from tandem.accounts.signin import SignInOption


def oidc_configured() -> bool:
    return bool(settings.OIDC_ISSUER and settings.OIDC_CLIENT_ID)


def saml_configured() -> bool:
    return bool(settings.SAML_IDP_METADATA_URL or settings.SAML_IDP_METADATA_FILE)


def sign_in_options() -> list[SignInOption]:
    found = []
    if oidc_configured():
        found.append(SignInOption(settings.OIDC_PROVIDER_NAME, reverse("sso:oidc_start"), "oidc"))
    if saml_configured():
        found.append(SignInOption(settings.SAML_PROVIDER_NAME, reverse("sso:saml_start"), "saml"))
    return found


def provider_origins() -> list[str]:
    """The issuer's origin (authorization endpoints live there at Entra, Okta, Google and
    Keycloak) and the SAML IdP's single sign-on origin."""
    origins = []
    if oidc_configured():
        parsed = urlparse(settings.OIDC_ISSUER)
        origins.append(f"{parsed.scheme}://{parsed.netloc}")
    if saml_configured():
        from tandem.sso.saml import idp_origins

        origins += idp_origins()
    return origins


def oidc_redirect_uri() -> str:
    return settings.SITE_URL + reverse("sso:oidc_callback")


def saml_acs_url() -> str:
    return settings.SITE_URL + reverse("sso:saml_acs")


def saml_metadata_url() -> str:
    return settings.SITE_URL + reverse("sso:saml_metadata")

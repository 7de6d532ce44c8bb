"""Sign-in through an identity provider (OIDC, SAML), SP metadata, and the admin's status page."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from tandem.accounts.http import AuthenticatedHttpRequest
from tandem.audit.services import log_action
from tandem.core.requests import client_ip
from tandem.sso import config, oidc, saml
from tandem.sso.services import SignInRefused, SsoIdentity, sso_sign_in

logger = logging.getLogger(__name__)
BACKEND = "tandem.accounts.backends.PasswordBackend"


def _refused(request: HttpRequest, provider: str, message: str, status: int = 403) -> HttpResponse:
    log_action(
        "account.sso_refused", data={"provider": provider, "reason": message}, request=request
    )
    return render(
        request, "sso/refused.html", {"message": message, "provider": provider}, status=status
    )


def _sign_in(request: HttpRequest, identity: SsoIdentity) -> HttpResponse:
    try:
        user = sso_sign_in(identity=identity, ip=client_ip(request))
    except SignInRefused as exc:
        return _refused(request, identity.provider, exc.message)
    login(request, user, backend=BACKEND)  # a new session key, recorded with its start time
    return redirect("web:home")


@require_POST
def oidc_start(request: HttpRequest) -> HttpResponse:
    if not config.oidc_configured():
        return _refused(request, "oidc", "OpenID Connect is not configured.", 404)
    try:
        return oidc.start(request)
    except oidc.OidcError as exc:
        logger.warning("OIDC start failed: %r", exc.__cause__)
        return _refused(request, "oidc", str(exc), 502)


@require_GET
def oidc_callback(request: HttpRequest) -> HttpResponse:
    if not config.oidc_configured():
        return _refused(request, "oidc", "OpenID Connect is not configured.", 404)
    try:
        identity = oidc.finish(request)
    except oidc.OidcError as exc:
        logger.warning("OIDC sign-in refused: %s (%r)", exc, exc.__cause__)
        return _refused(request, "oidc", str(exc))
    return _sign_in(request, identity)


@require_POST
def saml_start(request: HttpRequest) -> HttpResponse:
    if not config.saml_configured():
        return _refused(request, "saml", "SAML is not configured.", 404)
    try:
        return redirect(saml.start())
    except saml.SamlError as exc:
        return _refused(request, "saml", str(exc), 502)


@csrf_exempt  # posted by the identity provider; the signed assertion is the proof
@require_POST
def saml_acs(request: HttpRequest) -> HttpResponse:
    if not config.saml_configured():
        return _refused(request, "saml", "SAML is not configured.", 404)
    try:
        identity = saml.finish(request)
    except saml.SamlError as exc:
        return _refused(request, "saml", str(exc))
    return _sign_in(request, identity)


@require_GET
def saml_metadata(request: HttpRequest) -> HttpResponse:
    return HttpResponse(saml.sp_metadata(), content_type="application/samlmetadata+xml")


@login_required
@require_GET
def status_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.is_admin:
        raise PermissionDenied
    context = {
        "section": "sso",
        "oidc_configured": config.oidc_configured(),
        "saml_configured": config.saml_configured(),
        "oidc_issuer": settings.OIDC_ISSUER,
        "oidc_client_id": settings.OIDC_CLIENT_ID,
        "oidc_scopes": settings.OIDC_SCOPES,
        "oidc_groups_claim": settings.OIDC_GROUPS_CLAIM,
        "oidc_redirect_uri": config.oidc_redirect_uri(),
        "saml_entity_id": settings.SAML_SP_ENTITY_ID,
        "saml_acs_url": config.saml_acs_url(),
        "saml_metadata_url": config.saml_metadata_url(),
        "saml_idp": settings.SAML_IDP_METADATA_URL or settings.SAML_IDP_METADATA_FILE,
        "admin_groups": settings.TANDEM_SSO_ADMIN_GROUPS,
        "coordinator_groups": settings.TANDEM_SSO_COORDINATOR_GROUPS,
        "create_users": settings.TANDEM_SSO_CREATE_USERS,
        "sso_only": settings.TANDEM_SSO_ONLY,
        "break_glass": settings.TANDEM_SSO_BREAK_GLASS_EMAILS,
        "scim_url": f"{settings.SITE_URL}/scim/v2/",
    }
    return render(request, "sso/status.html", context)

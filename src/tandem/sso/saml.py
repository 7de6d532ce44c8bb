"""SAML 2.0 service provider on pysaml2 (``xmlsec1`` checks the signatures): SP metadata, the
AuthnRequest (HTTP-Redirect) and the assertion consumer (HTTP-POST). Signed assertions are
required; audience, recipient, destination and validity window are checked by pysaml2; a
response must answer a recent request Tandem made, once (no unsolicited responses), and an
assertion is accepted once (``UsedAssertion``).
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import requests
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAMEID_FORMAT_EMAILADDRESS

from tandem.sso.config import saml_acs_url
from tandem.sso.models import SamlRequest, UsedAssertion
from tandem.sso.services import SsoIdentity

logger = logging.getLogger(__name__)

REQUEST_MAX_AGE = timedelta(minutes=10)
METADATA_MAX_AGE = 3600
CLOCK_SKEW_SECONDS = 60
EMAIL_ATTRIBUTES = (
    "email",
    "mail",
    "emailaddress",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    "urn:oid:0.9.2342.19200300.100.1.3",
)
NAME_ATTRIBUTES = (
    "name",
    "displayname",
    "cn",
    "http://schemas.microsoft.com/identity/claims/displayname",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
)

_lock = threading.Lock()
_cached: dict[str, tuple[float, SPConfig]] = {}


class SamlError(Exception):
    """The sign-in could not be completed; ``str()`` is safe to show, details go to the log."""


def idp_metadata() -> str:
    if settings.SAML_IDP_METADATA_FILE:
        return Path(settings.SAML_IDP_METADATA_FILE).read_text(encoding="utf-8")
    response = requests.get(
        settings.SAML_IDP_METADATA_URL, timeout=settings.TANDEM_SSO_HTTP_TIMEOUT
    )
    response.raise_for_status()
    return response.text


def sp_config(*, with_idp: bool = True) -> SPConfig:
    key = "|".join(
        [
            settings.SAML_SP_ENTITY_ID,
            settings.SAML_IDP_METADATA_URL,
            settings.SAML_IDP_METADATA_FILE,
            str(with_idp),
        ]
    )
    with _lock:
        cached = _cached.get(key)
        if cached is not None and time.monotonic() - cached[0] < METADATA_MAX_AGE:
            return cached[1]
        config = SPConfig()
        config.load(_config_dict(with_idp))
        _cached[key] = (time.monotonic(), config)
        return config


def _config_dict(with_idp: bool) -> dict[str, Any]:
    conf: dict[str, Any] = {
        "entityid": settings.SAML_SP_ENTITY_ID,
        "xmlsec_binary": settings.SAML_XMLSEC_BINARY,
        "accepted_time_diff": CLOCK_SKEW_SECONDS,
        "allow_unknown_attributes": True,
        "service": {
            "sp": {
                "name": settings.SITE_NAME,
                "endpoints": {"assertion_consumer_service": [(saml_acs_url(), BINDING_HTTP_POST)]},
                "allow_unsolicited": False,
                "want_assertions_signed": True,
                "want_response_signed": False,
                "authn_requests_signed": False,
                "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
            }
        },
    }
    if with_idp:
        try:
            conf["metadata"] = {"inline": [idp_metadata()]}
        except (OSError, requests.RequestException) as exc:
            raise SamlError("Tandem cannot read the identity provider's SAML metadata.") from exc
    return conf


def sp_metadata() -> str:
    xml = create_metadata_string(None, config=sp_config(with_idp=False), valid=None)
    return xml.decode() if isinstance(xml, bytes) else str(xml)


def _client() -> Saml2Client:
    try:
        return Saml2Client(config=sp_config())
    except SamlError:
        raise
    except Exception as exc:  # a broken metadata document
        raise SamlError("The identity provider's SAML metadata cannot be used.") from exc


def idp_origins() -> list[str]:
    """Origins the sign-in form may be redirected to (the page's CSP ``form-action``)."""
    try:
        config = sp_config()
    except Exception:
        return []
    origins = []
    for entity in config.metadata.identity_providers():
        for endpoint in config.metadata.single_sign_on_service(entity, BINDING_HTTP_REDIRECT):
            parsed = urlparse(endpoint["location"])
            origins.append(f"{parsed.scheme}://{parsed.netloc}")
    return origins


def start() -> str:
    """The IdP URL to redirect to; the request id is remembered until answered or expired."""
    client = _client()
    idps = client.metadata.identity_providers()
    if len(idps) != 1:
        raise SamlError("The SAML metadata must describe exactly one identity provider.")
    request_id, info = client.prepare_for_authenticate(
        entityid=idps[0], binding=BINDING_HTTP_REDIRECT
    )
    now = timezone.now()
    SamlRequest.objects.filter(created_at__lt=now - REQUEST_MAX_AGE).delete()
    SamlRequest.objects.create(request_id=str(request_id), created_at=now)
    return str(dict(info["headers"])["Location"])


def finish(request: HttpRequest) -> SsoIdentity:
    encoded = request.POST.get("SAMLResponse", "")
    if not encoded:
        raise SamlError("The identity provider sent no SAML response.")
    since = timezone.now() - REQUEST_MAX_AGE
    outstanding = {
        request_id: "/"
        for request_id in SamlRequest.objects.filter(
            created_at__gte=since, answered_at__isnull=True
        ).values_list("request_id", flat=True)[:1000]
    }
    try:
        response = _client().parse_authn_request_response(
            encoded, BINDING_HTTP_POST, outstanding=outstanding
        )
    except SamlError:
        raise
    except Exception as exc:  # pysaml2 raises many types: signature, audience, time, status…
        logger.warning("SAML response refused: %s: %s", type(exc).__name__, exc)
        raise SamlError(
            "The identity provider's answer did not pass Tandem's checks (signature, audience, "
            "validity, or it answers an old or unknown sign-in)."
        ) from exc
    if response is None or response.assertion is None:
        raise SamlError("The SAML response holds no assertion.")
    answered = SamlRequest.objects.filter(
        request_id=str(response.in_response_to), answered_at__isnull=True
    ).update(answered_at=timezone.now())
    if not answered:
        raise SamlError("This sign-in was already completed; start again.")
    _remember_assertion(response)
    return _identity(response)


def _remember_assertion(response: Any) -> None:
    assertion = response.assertion
    expires = timezone.now() + timedelta(hours=1)
    conditions = getattr(assertion, "conditions", None)
    if conditions is not None and conditions.not_on_or_after:
        expires = datetime.fromisoformat(conditions.not_on_or_after.replace("Z", "+00:00"))
    UsedAssertion.objects.filter(expires_at__lt=timezone.now() - timedelta(days=1)).delete()
    try:
        with transaction.atomic():
            UsedAssertion.objects.create(assertion_id=str(assertion.id), expires_at=expires)
    except IntegrityError:
        raise SamlError("This SAML assertion was already used; sign in again.") from None


def _first(attributes: dict[str, list[Any]], names: tuple[str, ...]) -> str:
    lowered = {k.lower(): v for k, v in attributes.items()}
    for name in names:
        values = lowered.get(name.lower())
        if values:
            return str(values[0])
    return ""


def _identity(response: Any) -> SsoIdentity:
    attributes: dict[str, list[Any]] = response.get_identity() or {}
    name_id = response.name_id
    email = _first(attributes, (settings.SAML_EMAIL_ATTRIBUTE, *EMAIL_ATTRIBUTES))
    if not email and name_id is not None and name_id.format == NAMEID_FORMAT_EMAILADDRESS:
        email = str(name_id.text)
    lowered = {k.lower(): v for k, v in attributes.items()}
    groups = lowered.get(settings.SAML_GROUPS_ATTRIBUTE.lower()) or []
    return SsoIdentity(
        provider="saml",
        subject=str(name_id.text) if name_id is not None else email,
        email=email,
        # the assertion is signed by the organisation's own identity provider
        email_verified=bool(email),
        name=_first(attributes, (settings.SAML_NAME_ATTRIBUTE, *NAME_ATTRIBUTES)),
        groups=[str(g) for g in groups],
    )

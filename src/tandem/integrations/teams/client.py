"""Calls to Microsoft: the token endpoint (client credentials), Microsoft Graph and the Bot
Connector REST API, over ``requests`` with Microsoft's failures turned into our errors.

Tokens are cached in the process until five minutes before they expire. Failures are logged
with the call, the HTTP status and Microsoft's error code, never a token or the client secret.
A 429 (or 503) with ``Retry-After`` becomes ``TeamsRateLimited`` so the outbox retries later
instead of a worker sleeping.
"""

from __future__ import annotations

import base64
import logging
import threading
import time
import uuid
from typing import Any
from urllib.parse import quote, urlsplit

import jwt
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tandem.integrations.teams.config import BOT_FRAMEWORK_SCOPE, TeamsSettings, teams_settings

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
EARLY_REFRESH_SECONDS = 300


class TeamsError(Exception):
    """A call that failed; ``code`` is Microsoft's error code (``Request_ResourceNotFound`` …)."""

    def __init__(self, what: str, code: str, *, status: int | None = None) -> None:
        super().__init__(f"Teams {what} failed: {code}" + (f" (HTTP {status})" if status else ""))
        self.what = what
        self.code = code
        self.status = status

    @property
    def temporary(self) -> bool:
        return self.code in ("connection_error", "timeout") or (self.status or 0) >= 500

    @property
    def not_found(self) -> bool:
        return self.status == 404


class TeamsRateLimited(TeamsError):
    def __init__(self, what: str, retry_after: float | None, status: int = 429) -> None:
        super().__init__(what, "throttled", status=status)
        self.retry_after = retry_after


class TeamsNotConfigured(TeamsError):
    def __init__(self) -> None:
        super().__init__("-", "not_configured")


# --- tokens ------------------------------------------------------------------------------------

_tokens: dict[tuple[str, str, str, str], tuple[str, float]] = {}
_tokens_lock = threading.Lock()


def forget_tokens() -> None:
    """Drop cached tokens (tests, a rotated secret)."""
    with _tokens_lock:
        _tokens.clear()


def access_token(scope: str, config: TeamsSettings | None = None) -> str:
    """A bearer token for ``scope`` from the client-credentials flow, cached until near expiry."""
    config = config or teams_settings()
    if not config.configured:
        raise TeamsNotConfigured()
    key = (config.token_url, config.app_id, config.credential, scope)
    with _tokens_lock:
        cached = _tokens.get(key)
        if cached and cached[1] > time.time():
            return cached[0]
    form = {"grant_type": "client_credentials", "client_id": config.app_id, "scope": scope}
    if config.certificate_path:
        form["client_assertion_type"] = ASSERTION_TYPE
        form["client_assertion"] = client_assertion(config)
    else:
        form["client_secret"] = config.app_password
    try:
        response = requests.post(config.token_url, data=form, timeout=TIMEOUT_SECONDS)
    except requests.RequestException as exc:
        logger.warning("teams token request failed: %s", type(exc).__name__)
        raise TeamsError("token", "connection_error") from None
    body = _json(response)
    if response.status_code != 200 or not body.get("access_token"):
        code = str(body.get("error") or f"http_{response.status_code}")
        logger.warning("teams token request failed: %s (HTTP %s)", code, response.status_code)
        if response.status_code == 429:
            raise TeamsRateLimited("token", _retry_after(response))
        raise TeamsError("token", code, status=response.status_code)
    token = str(body["access_token"])
    lifetime = float(body.get("expires_in") or 3599)
    with _tokens_lock:
        _tokens[key] = (token, time.time() + max(lifetime - EARLY_REFRESH_SECONDS, 30))
    return token


ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_LIFETIME_SECONDS = 300


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def load_certificate(path: str) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """The private key and certificate in one PEM file (``TEAMS_APP_CERTIFICATE_PATH``)."""
    try:
        with open(path, "rb") as handle:
            pem = handle.read()
    except OSError:
        logger.warning("teams certificate %s cannot be read", path)
        raise TeamsError("token", "certificate_unreadable") from None
    try:
        key = serialization.load_pem_private_key(pem, password=None)
        certificate = x509.load_pem_x509_certificate(pem)
    except (ValueError, TypeError):
        logger.warning("teams certificate %s: no unencrypted private key and certificate", path)
        raise TeamsError("token", "certificate_invalid") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TeamsError("token", "certificate_not_rsa")
    public = certificate.public_key()
    if not isinstance(public, rsa.RSAPublicKey) or (
        public.public_numbers() != key.public_key().public_numbers()
    ):
        raise TeamsError("token", "certificate_key_mismatch")
    return key, certificate


def client_assertion(config: TeamsSettings, *, now: float | None = None) -> str:
    """A signed client assertion (Microsoft identity platform "certificate credentials"):
    RS256 with the certificate's SHA-1 and SHA-256 thumbprints in ``x5t`` / ``x5t#S256``,
    issued by and about the app, for the token endpoint, valid a few minutes."""
    key, certificate = load_certificate(config.certificate_path)
    now = time.time() if now is None else now
    claims = {
        "aud": config.token_url,
        "iss": config.app_id,
        "sub": config.app_id,
        "jti": str(uuid.uuid4()),
        "nbf": int(now),
        "iat": int(now),
        "exp": int(now) + ASSERTION_LIFETIME_SECONDS,
    }
    headers = {
        "x5t": _b64url(certificate.fingerprint(hashes.SHA1())),  # noqa: S303 - Entra's header
        "x5t#S256": _b64url(certificate.fingerprint(hashes.SHA256())),
    }
    return jwt.encode(claims, key, algorithm="RS256", headers=headers)


# --- HTTP --------------------------------------------------------------------------------------


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _retry_after(response: requests.Response) -> float | None:
    raw = response.headers.get("Retry-After")
    try:
        return max(float(raw), 0.0) if raw is not None else None
    except ValueError:
        return None


def _error_code(body: dict[str, Any], status: int) -> str:
    error = body.get("error")
    if isinstance(error, dict):
        return str(error.get("code") or f"http_{status}")[:100]
    if isinstance(error, str):
        return error[:100]
    return f"http_{status}"


def request(method: str, url: str, *, scope: str, what: str, json: Any = None) -> dict[str, Any]:
    """One authenticated call; returns the JSON body ({} for an empty one) or raises."""
    headers = {"Authorization": f"Bearer {access_token(scope)}"}
    try:
        response = requests.request(
            method, url, json=json, headers=headers, timeout=TIMEOUT_SECONDS
        )
    except requests.Timeout:
        logger.warning("teams %s failed: timeout", what)
        raise TeamsError(what, "timeout") from None
    except requests.RequestException as exc:
        logger.warning("teams %s failed: connection_error (%s)", what, type(exc).__name__)
        raise TeamsError(what, "connection_error") from None
    if response.status_code in (429, 503) and "Retry-After" in response.headers:
        retry_after = _retry_after(response)
        logger.warning("teams %s throttled (retry after %ss)", what, retry_after)
        raise TeamsRateLimited(what, retry_after, status=response.status_code)
    body = _json(response)
    if response.status_code >= 400:
        code = _error_code(body, response.status_code)
        level = logging.DEBUG if response.status_code in (404, 409) else logging.WARNING
        logger.log(level, "teams %s failed: %s (HTTP %s)", what, code, response.status_code)
        raise TeamsError(what, code, status=response.status_code)
    return body


def graph(method: str, path: str, *, json: Any = None, what: str = "") -> dict[str, Any]:
    """A Microsoft Graph call: ``graph("GET", "/users/ana@example.com")``."""
    config = teams_settings()
    return request(
        method,
        config.graph_api_url + path,
        scope=config.graph_scope,
        what=what or f"graph {method} {path.split('?', 1)[0]}",
        json=json,
    )


def graph_path(*segments: str) -> str:
    """Path segments quoted for Graph (a UPN may hold characters like ``'`` or ``#``)."""
    return "".join("/" + quote(s, safe="@:") for s in segments)


# --- Bot Connector -----------------------------------------------------------------------------


def service_url_allowed(url: str) -> bool:
    """The bot's token goes only to an https connector, or to the configured one (a stand-in
    on http in tests). A serviceUrl reaches us only inside a verified token's claims."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return True
    configured = urlsplit(teams_settings().service_url)
    return (parts.scheme, parts.netloc) == (configured.scheme, configured.netloc)


def _connector(service_url: str, path: str) -> str:
    if not service_url_allowed(service_url):
        raise TeamsError("connector", "service_url_refused")
    return service_url.rstrip("/") + path


def post_activity(service_url: str, conversation_id: str, activity: dict[str, Any]) -> str:
    """Post an activity to a conversation; returns the new activity's id."""
    url = _connector(service_url, f"/v3/conversations/{quote(conversation_id, safe='')}/activities")
    body = request("POST", url, scope=BOT_FRAMEWORK_SCOPE, what="post activity", json=activity)
    return str(body.get("id") or "")


def update_activity(
    service_url: str, conversation_id: str, activity_id: str, activity: dict[str, Any]
) -> None:
    """Replace a posted activity (the card updated in place)."""
    url = _connector(
        service_url,
        f"/v3/conversations/{quote(conversation_id, safe='')}/activities/"
        f"{quote(activity_id, safe='')}",
    )
    request("PUT", url, scope=BOT_FRAMEWORK_SCOPE, what="update activity", json=activity)

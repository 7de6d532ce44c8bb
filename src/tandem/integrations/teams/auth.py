"""Checking the token on every request the Bot Framework sends to ``/integrations/teams/messages``.

The Bot Framework signs a JWT (RS256) with keys it publishes behind an OpenID configuration
(``TEAMS_OPENID_CONFIG_URL`` → ``jwks_uri``). A request is accepted only when the signature is
valid for one of those keys (and the key is endorsed for the activity's channel, when the key
lists endorsements), the issuer is the Bot Framework's, the audience is our app id, the token has
not expired (five minutes of clock skew allowed) and its ``serviceurl`` claim is the activity's
``serviceUrl`` — so a serviceUrl we later post to (with our own token) came from Microsoft.

Keys are cached for a day; an unknown ``kid`` (Microsoft rolled its keys) fetches them again, at
most once a minute, so forged tokens with random key ids cannot make us hammer the endpoint.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
import requests

from tandem.integrations.teams.config import teams_settings

logger = logging.getLogger(__name__)

KEYS_MAX_AGE_SECONDS = 24 * 3600
REFETCH_MIN_SECONDS = 60
LEEWAY_SECONDS = 300
TIMEOUT_SECONDS = 10


class TokenRejected(Exception):
    """The request's token is missing or not valid; ``reason`` is logged, never the token."""


@dataclass
class _KeySet:
    keys: dict[str, tuple[jwt.PyJWK, list[str]]] = field(default_factory=dict)
    fetched_at: float = 0.0


_cache: dict[str, _KeySet] = {}
_lock = threading.Lock()


def forget_keys() -> None:
    """Drop the cached signing keys (tests; a cloud switched at runtime)."""
    with _lock:
        _cache.clear()


def _fetch_keys(openid_config_url: str) -> _KeySet:
    config = requests.get(openid_config_url, timeout=TIMEOUT_SECONDS)
    config.raise_for_status()
    jwks_uri = str(config.json().get("jwks_uri") or "")
    if not jwks_uri.startswith(("https://", "http://")):
        raise TokenRejected("the OpenID configuration has no jwks_uri")
    answer = requests.get(jwks_uri, timeout=TIMEOUT_SECONDS)
    answer.raise_for_status()
    keys: dict[str, tuple[jwt.PyJWK, list[str]]] = {}
    for data in answer.json().get("keys") or []:
        if not isinstance(data, dict) or not data.get("kid") or data.get("kty") != "RSA":
            continue
        try:
            keys[str(data["kid"])] = (
                jwt.PyJWK(data, algorithm="RS256"),
                [str(e) for e in data.get("endorsements") or []],
            )
        except jwt.PyJWTError:
            continue
    return _KeySet(keys=keys, fetched_at=time.time())


def signing_key(kid: str) -> tuple[jwt.PyJWK, list[str]]:
    url = teams_settings().openid_config_url
    with _lock:
        cached = _cache.get(url)
        now = time.time()
        stale = cached is None or now - cached.fetched_at > KEYS_MAX_AGE_SECONDS
        unknown = cached is not None and kid not in cached.keys
        if stale or (unknown and now - cached.fetched_at > REFETCH_MIN_SECONDS):  # type: ignore[union-attr]
            try:
                cached = _fetch_keys(url)
            except (requests.RequestException, ValueError) as exc:
                logger.warning("teams signing keys could not be fetched: %s", type(exc).__name__)
                if cached is None:
                    raise TokenRejected("signing keys unavailable") from None
            else:
                _cache[url] = cached
        assert cached is not None
        found = cached.keys.get(kid)
    if found is None:
        raise TokenRejected("unknown signing key")
    return found


@dataclass(frozen=True)
class Verified:
    claims: dict[str, Any]
    endorsements: list[str]

    def check_activity(self, *, service_url: str, channel_id: str) -> None:
        """The token was issued for this activity: its channel endorsed by the signing key (when
        the key lists endorsements) and its ``serviceurl`` claim the activity's serviceUrl."""
        if self.endorsements and channel_id not in self.endorsements:
            raise TokenRejected("key not endorsed for this channel")
        claimed = str(self.claims.get("serviceurl") or self.claims.get("serviceUrl") or "")
        if not service_url or claimed.rstrip("/") != service_url.rstrip("/"):
            raise TokenRejected("serviceUrl does not match the token")


def verify(authorization: str) -> Verified:
    """The token's claims, or ``TokenRejected``. ``authorization`` is the whole header; runs
    before the request body is read."""
    config = teams_settings()
    if not config.app_id:
        raise TokenRejected("Teams is not configured")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenRejected("no bearer token")
    token = token.strip()
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise TokenRejected("not a JWT") from None
    if header.get("alg") != "RS256" or not header.get("kid"):
        raise TokenRejected("not an RS256 token with a key id")
    key, endorsements = signing_key(str(header["kid"]))
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key=key.key,
            algorithms=["RS256"],
            audience=config.app_id,
            issuer=config.token_issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iss", "aud"]},
        )
    except jwt.PyJWTError as exc:
        raise TokenRejected(type(exc).__name__) from None
    return Verified(claims=claims, endorsements=endorsements)

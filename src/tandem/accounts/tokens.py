from __future__ import annotations

import hashlib
import secrets


def new_secret(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def digest(secret: str) -> str:
    """Tokens are stored only as SHA-256: they are long random strings, so no salt is needed."""
    return hashlib.sha256(secret.encode()).hexdigest()

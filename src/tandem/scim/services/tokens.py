"""SCIM bearer tokens: shown once, stored hashed, revocable, audited."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.accounts.tokens import digest, new_secret
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, FieldError, NotFound, PermissionDeniedError
from tandem.scim.models import ScimToken

SCIM_TOKEN_PREFIX = "tdm_scim_"  # noqa: S105 - a prefix, not a secret


def _require_admin(actor: User | None) -> None:
    if actor is not None and not actor.is_admin:
        raise PermissionDeniedError("Only admins can manage SCIM tokens.")


@transaction.atomic
def scim_token_create(*, actor: User | None, name: str) -> tuple[ScimToken, str]:
    """A new token and its plaintext, which is never shown again. ``actor`` None: the CLI."""
    _require_admin(actor)
    name = name.strip()
    if not name:
        raise ApplicationError(
            "Give the token a name, e.g. the identity provider that will use it.",
            errors=[FieldError(message="This field is required.", field="name")],
        )
    plaintext = f"{SCIM_TOKEN_PREFIX}{new_secret(30)}"
    token = ScimToken.objects.create(
        name=name[:100],
        prefix=plaintext[:12],
        key_hash=digest(plaintext),
        created_by=actor,
    )
    log_action("scim_token.created", actor=actor, target=token, data={"name": token.name})
    return token, plaintext


@transaction.atomic
def scim_token_revoke(*, actor: User | None, token_id: int) -> ScimToken:
    _require_admin(actor)
    token = ScimToken.objects.filter(pk=token_id, revoked_at__isnull=True).first()
    if token is None:
        raise NotFound()
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    log_action("scim_token.revoked", actor=actor, target=token, data={"name": token.name})
    return token


def token_for_secret(plaintext: str) -> ScimToken | None:
    """The active token with this secret; notes its use at most every five minutes."""
    if not plaintext.startswith(SCIM_TOKEN_PREFIX):
        return None
    token = ScimToken.objects.filter(key_hash=digest(plaintext), revoked_at__isnull=True).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ScimToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token

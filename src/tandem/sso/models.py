"""Who signed in through which identity provider, and which SAML assertions were already used."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ExternalIdentity(models.Model):
    """The identity provider's stable subject for an account (OIDC ``sub``, SAML NameID), so a
    later sign-in cannot land on someone else's account after an email is reused."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities"
    )
    provider = models.CharField(max_length=10)  # "oidc" or "saml"
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)
    last_sign_in_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="sso_identity_subject"),
            models.UniqueConstraint(fields=["provider", "user"], name="sso_identity_user"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.subject}"


class UsedAssertion(models.Model):
    """A SAML assertion id seen once: the same assertion posted again is refused (replay)."""

    assertion_id = models.CharField(max_length=255, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.assertion_id


class SamlRequest(models.Model):
    """An AuthnRequest Tandem sent. A response must answer one that is recent and unanswered.

    Kept in the database rather than the session: the identity provider posts the response
    cross-site, and a ``SameSite=Lax`` session cookie is not sent with that POST.
    """

    request_id = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.request_id

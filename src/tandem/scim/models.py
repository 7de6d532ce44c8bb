"""SCIM 2.0 provisioning state: bearer tokens, what the identity provider calls each person, and
groups. The directory itself stays in ``tandem.people``; SCIM writes through its services."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from tandem.people.models import Person


class ScimToken(models.Model):
    """A bearer token for an identity provider. Only a SHA-256 of the secret is stored."""

    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ScimUser(models.Model):
    """How the identity provider names a person: ``userName``, ``externalId`` and the last
    accepted SCIM attributes (so a resource reads back as it was written). The person's directory
    values (name, email, title, department, manager, status) are the truth and win on reads."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="scim")
    user_name = models.CharField(max_length=255, unique=True)  # stored lower case: caseExact false
    external_id = models.CharField(max_length=255, blank=True, db_index=True)
    attributes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)  # DELETE: gone for SCIM, kept as left

    def __str__(self) -> str:
        return self.user_name


class ScimGroup(models.Model):
    """A group pushed by the identity provider. Groups named in ``OIDC_ADMIN_GROUPS`` or
    ``OIDC_COORDINATOR_GROUPS`` grant that role to their members (``accounts.groups``)."""

    display_name = models.CharField(max_length=255, unique=True)
    external_id = models.CharField(max_length=255, blank=True, db_index=True)
    members = models.ManyToManyField(Person, blank=True, related_name="scim_groups")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name

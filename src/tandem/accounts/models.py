from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    """What a user may do across the installation.

    Admins manage people, imports and integrations. Coordinators may be put in charge of programs
    (per program, from the programs app on). Everyone else is a participant.
    """

    ADMIN = "admin", "Admin"
    COORDINATOR = "coordinator", "Program coordinator"
    PARTICIPANT = "participant", "Participant"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(
        self, email: str, name: str = "", password: str | None = None, **extra: Any
    ) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=normalise_email(email), name=name or email, **extra)
        user.set_password(password) if password else user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, name: str = "", password: str | None = None) -> User:
        return self.create_user(email, name, password, role=Role.ADMIN)


def normalise_email(email: str) -> str:
    return email.strip().lower()


class User(AbstractBaseUser):
    """A person who can sign in. Email is the login; ``name`` is one field, as people write it."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PARTICIPANT)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["name"]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def is_admin(self) -> bool:
        return self.is_active and self.role == Role.ADMIN

    @property
    def is_coordinator(self) -> bool:
        """May coordinate programs (admins may too)."""
        return self.is_active and self.role in (Role.ADMIN, Role.COORDINATOR)

    @property
    def is_staff(self) -> bool:
        return self.is_admin

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else self.email


class ApiToken(models.Model):
    """A bearer token for API clients. Only a SHA-256 of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Invitation(models.Model):
    """A one-time link that lets an imported person set a password and sign in."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.user.email}"

    def is_usable(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now


class LoginThrottle(models.Model):
    """Attempts counted per key ("account:…", "ip:…") in a fixed window; see ``throttle``."""

    key = models.CharField(max_length=200, unique=True)
    window_start = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.key


class UserSession(models.Model):
    """Which sessions belong to whom, so deactivating a person can end all of them at once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="session_index")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user_id}:{self.session_key[:6]}…"

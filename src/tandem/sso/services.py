"""Signing in through an identity provider: one transaction that finds (or, when allowed,
creates) the person, links the provider's subject, applies roles from groups and audits."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tandem.accounts.groups import is_break_glass, role_for_groups
from tandem.accounts.models import User, normalise_email
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError
from tandem.people.models import Person, PersonStatus
from tandem.people.services import DirectoryValue, person_sync
from tandem.sso.models import ExternalIdentity


class SignInRefused(ApplicationError):
    def __init__(self, message: str) -> None:
        super().__init__(message=message, status=403)


@dataclass(frozen=True)
class SsoIdentity:
    """What a verified ID token or SAML assertion says about the person."""

    provider: str  # "oidc" or "saml"
    subject: str
    email: str
    email_verified: bool
    name: str = ""
    groups: list[str] = field(default_factory=list)


@transaction.atomic
def sso_sign_in(*, identity: SsoIdentity, ip: str = "") -> User:
    """The account this identity may sign in to, with its role brought in line with the groups.

    Raises ``SignInRefused`` (and writes nothing; the view audits the refusal) for an unverified
    email, a person the directory does not know (unless ``SSO_CREATE_USERS``), a leaver, or an
    account already linked to another subject.
    """
    email = normalise_email(identity.email or "")
    if not email or not identity.email_verified:
        raise SignInRefused(
            "Your identity provider did not confirm your email address, so Tandem cannot tell "
            "which account is yours. Ask your IT team to send a verified email."
        )
    user = _account_for(identity, email)
    if not user.is_active or _has_left(user):
        raise SignInRefused(
            "This account is no longer active. If you think this is wrong, contact your "
            "program coordinator."
        )
    _link(identity, user)
    _apply_groups(identity, user)
    log_action(
        "account.sso_signed_in",
        actor=user,
        target=user,
        data={"provider": identity.provider, "ip": ip, "groups": len(identity.groups)},
    )
    return user


def _account_for(identity: SsoIdentity, email: str) -> User:
    linked = (
        ExternalIdentity.objects.select_related("user")
        .filter(provider=identity.provider, subject=identity.subject)
        .first()
    )
    if linked is not None:
        return linked.user
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user
    if not settings.TANDEM_SSO_CREATE_USERS:
        raise SignInRefused(
            f"{email} is not in Tandem's directory yet. Ask your admin to import you from HR "
            "or to provision you through SCIM."
        )
    outcome = person_sync(
        values=[
            DirectoryValue("email", "email", email),
            DirectoryValue("name", "name", identity.name or email.split("@")[0]),
        ],
        actor=None,
        reason=f"SSO sign-in ({identity.provider}), created just in time",
    )
    return outcome.person.user


def _has_left(user: User) -> bool:
    return Person.objects.filter(user=user, status=PersonStatus.LEFT).exists()


def _link(identity: SsoIdentity, user: User) -> None:
    existing = ExternalIdentity.objects.filter(provider=identity.provider, user=user).first()
    if existing is None:
        ExternalIdentity.objects.create(
            provider=identity.provider, subject=identity.subject, user=user
        )
    elif existing.subject != identity.subject:
        raise SignInRefused(
            "This Tandem account is linked to a different identity at your identity provider. "
            "Ask an admin to check the account."
        )
    else:
        ExternalIdentity.objects.filter(pk=existing.pk).update(last_sign_in_at=timezone.now())


def _apply_groups(identity: SsoIdentity, user: User) -> None:
    role = role_for_groups(identity.groups)
    if role is None or role == user.role or is_break_glass(user):
        return
    previous = user.role
    user.role = role
    user.save(update_fields=["role"])
    log_action(
        "account.role_changed",
        target=user,
        data={"from": previous, "to": role, "reason": f"{identity.provider} groups at sign-in"},
    )

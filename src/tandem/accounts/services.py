"""Account use cases: invitations, deactivation, API tokens, roles. One transaction each."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.emails import invitation_email
from tandem.accounts.models import ApiToken, Invitation, Role, User, UserSession
from tandem.accounts.selectors import invitation_for_token
from tandem.accounts.tokens import digest, new_secret
from tandem.audit.services import audit_entry, log_action, log_actions
from tandem.core.errors import ApplicationError, FieldError, NotFound
from tandem.notify.outbox import enqueue

API_TOKEN_PREFIX = "tdm_"  # noqa: S105 - a prefix, not a secret


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("accounts:invitation", args=[token])


@transaction.atomic
def invitations_send(*, users: Sequence[User], invited_by: User | None) -> int:
    """Invite people to set a password. Older open invitations of the same people stop working."""
    users = [u for u in users if u.is_active]
    if not users:
        return 0
    now = timezone.now()
    Invitation.objects.filter(
        user__in=users, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    expires_at = now + timedelta(days=settings.TANDEM_INVITATION_DAYS)
    tokens = {user.pk: new_secret() for user in users}
    invitations = Invitation.objects.bulk_create(
        [
            Invitation(
                user=user,
                token_hash=digest(tokens[user.pk]),
                expires_at=expires_at,
                invited_by=invited_by,
                created_at=now,
            )
            for user in users
        ],
        batch_size=1000,
    )
    by_user = {user.pk: user for user in users}
    enqueue(
        invitation_email(
            user=by_user[inv.user_id],
            accept_url=invitation_url(tokens[inv.user_id]),
            expires_at=expires_at,
            invitation_id=inv.pk,
            invited_by=invited_by,
        )
        for inv in invitations
    )
    log_actions(audit_entry("account.invited", actor=invited_by, target=user) for user in users)
    return len(invitations)


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    invitation = invitation_for_token(token)
    if invitation is None:
        raise ApplicationError(
            "This invitation link has expired or was already used. "
            "Ask your program coordinator for a new one, or reset your password."
        )
    user = invitation.user
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError(
            "Please choose a different password.",
            errors=[FieldError(message=m, field="password1") for m in exc.messages],
        ) from exc
    updated = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        accepted_at=timezone.now()
    )
    if not updated:  # two tabs accepted the same link at once
        raise ApplicationError("This invitation link was already used.")
    user.set_password(password)
    user.save(update_fields=["password"])
    log_action("account.invitation_accepted", actor=user, target=user)
    return user


def end_sessions(user_ids: Iterable[int]) -> int:
    """Delete every stored session of these users, whatever session engine is configured."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    rows = list(UserSession.objects.filter(user_id__in=list(user_ids)))
    for row in rows:
        store(session_key=row.session_key).delete()
    UserSession.objects.filter(pk__in=[r.pk for r in rows]).delete()
    return len(rows)


def revoke_api_tokens(user_ids: Iterable[int]) -> int:
    return ApiToken.objects.filter(user_id__in=list(user_ids), revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def users_deactivate(*, user_ids: Sequence[int], actor: Any, reason: str) -> None:
    """Sign people out everywhere: inactive account, no sessions, API tokens or invitations."""
    if not user_ids:
        return
    User.objects.filter(pk__in=user_ids).update(is_active=False)
    end_sessions(user_ids)
    revoke_api_tokens(user_ids)
    Invitation.objects.filter(
        user_id__in=user_ids, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    log_actions(
        audit_entry("account.deactivated", actor=actor, data={"user_id": uid, "reason": reason})
        for uid in user_ids
    )


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    name = name.strip()
    if not name:
        raise ApplicationError(
            "Give the token a name, e.g. the tool that will use it.",
            errors=[FieldError(message="This field is required.", field="name")],
        )
    secret = new_secret(30)
    plaintext = f"{API_TOKEN_PREFIX}{secret}"
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=plaintext[:12], key_hash=digest(plaintext)
    )
    log_action("api_token.created", actor=user, target=token)
    return token, plaintext


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> None:
    token = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).first()
    if token is None:
        raise NotFound()
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    log_action("api_token.revoked", actor=user, target=token)


def user_for_api_token(plaintext: str) -> User | None:
    if not plaintext.startswith(API_TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=digest(plaintext), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def user_set_role(*, actor: User, user: User, role: str) -> User:
    if role not in Role.values:
        raise ApplicationError(
            f"Unknown role {role!r}.", errors=[FieldError("Unknown role", "role")]
        )
    if user.pk == actor.pk and role != Role.ADMIN:
        raise ApplicationError("You cannot remove your own admin role; ask another admin.")
    previous = user.role
    user.role = role
    user.save(update_fields=["role"])
    log_action(
        "account.role_changed", actor=actor, target=user, data={"from": previous, "to": role}
    )
    return user

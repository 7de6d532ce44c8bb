"""What the accounts app holds about a person, for export and erasure (``core.personal_data``)."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from tandem.accounts.models import ApiToken, Invitation, LoginThrottle, User, UserSession
from tandem.accounts.services import end_sessions
from tandem.core.personal_data import Section, Subject, register


def export(subject: Subject) -> dict[str, Section]:
    user = User.objects.get(pk=subject.user_id)
    tokens = ApiToken.objects.filter(user_id=subject.user_id)
    return {
        "account": Section(
            "Your account",
            "How you sign in to Tandem. Your password is kept only as a salted hash, not exported.",
            [
                {
                    "email": user.email,
                    "name": user.name,
                    "role": user.get_role_display(),
                    "active": user.is_active,
                    "joined": user.date_joined,
                    "last_sign_in": user.last_login,
                }
            ],
        ),
        "api_tokens": Section(
            "API tokens",
            "Tokens you created for other tools; only their first characters are kept.",
            [
                {
                    "name": t.name,
                    "prefix": t.prefix,
                    "created": t.created_at,
                    "last_used": t.last_used_at,
                    "revoked": t.revoked_at,
                }
                for t in tokens
            ],
        ),
    }


def erase(subject: Subject) -> dict[str, int]:
    """Last step: the account keeps only its id (for the records that point at it)."""
    end_sessions([subject.user_id])
    counts = {
        "api_tokens": ApiToken.objects.filter(user_id=subject.user_id).delete()[0],
        "invitations": Invitation.objects.filter(user_id=subject.user_id).delete()[0],
        "sessions": UserSession.objects.filter(user_id=subject.user_id).delete()[0],
        "sign_in_counters": LoginThrottle.objects.filter(key__icontains=subject.email).delete()[0],
    }
    User.objects.filter(pk=subject.user_id).update(
        name=subject.pseudonym,
        email=f"erased-{subject.user_id}@erased.invalid",
        is_active=False,
        password=make_password(None),
        last_login=None,
    )
    counts["account"] = 1
    return counts


register("accounts", export=export, erase=erase, order=90)

"""Who is who in Slack: people found by their work email, remembered with when we asked.

A remembered answer (found or not) is trusted for ``SLACK_LOOKUP_MAX_AGE_DAYS``; a change of email
in the directory, a Slack ``user_change`` event or ``tandem slack sync`` asks again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from slack_sdk import WebClient

from tandem.accounts.models import User
from tandem.integrations import directory_sync as shared
from tandem.integrations.directory_sync import SyncReport
from tandem.integrations.slack.client import SlackError, call, web_client
from tandem.integrations.slack.models import SlackIdentity

NOT_FOUND_CODES = {"users_not_found", "user_not_found"}


def _max_age() -> timedelta:
    return timedelta(days=settings.SLACK_LOOKUP_MAX_AGE_DAYS)


def identity_lookup(
    user: User, *, client: WebClient | None = None, now: datetime | None = None
) -> SlackIdentity:
    """Ask Slack for ``user``'s member id by email and remember the answer (found or not).

    Raises ``SlackError`` for anything but "not found" (bad token, rate limit, Slack down), so a
    passing failure is never remembered as "not in Slack".
    """
    now = now or timezone.now()
    try:
        response = call("users.lookupByEmail", client, email=user.email)
        slack_id, error = str(response["user"]["id"]), ""
    except SlackError as exc:
        if exc.code not in NOT_FOUND_CODES:
            raise
        slack_id, error = "", exc.code
    identity, _ = SlackIdentity.objects.update_or_create(
        user=user,
        defaults={
            "slack_user_id": slack_id,
            "email_checked": user.email,
            "checked_at": now,
            "error": error,
        },
    )
    return identity


def slack_id_for(user: User, *, client: WebClient | None = None) -> str | None:
    """The user's Slack id, from memory while fresh, else from Slack; None if not in Slack."""
    identity = SlackIdentity.objects.filter(user=user).first()
    fresh = (
        identity is not None
        and identity.checked_at is not None
        and identity.email_checked.lower() == user.email.lower()
        and identity.checked_at > timezone.now() - _max_age()
    )
    if not fresh:
        identity = identity_lookup(user, client=client)
    assert identity is not None
    return identity.slack_user_id or None


def user_for_slack_id(slack_id: str, *, client: WebClient | None = None) -> User | None:
    """The Tandem user behind a Slack member id; asks Slack (``users.info``) for an unknown one."""
    identity = (
        SlackIdentity.objects.select_related("user")
        .filter(slack_user_id=slack_id, user__is_active=True)
        .first()
    )
    if identity is not None:
        return identity.user
    try:
        response = call("users.info", client, user=slack_id)
    except SlackError as exc:
        if exc.code in NOT_FOUND_CODES:
            return None
        raise
    email = str((response["user"].get("profile") or {}).get("email") or "")
    user = User.objects.filter(email__iexact=email, is_active=True).first() if email else None
    if user is not None:
        SlackIdentity.objects.update_or_create(
            user=user,
            defaults={
                "slack_user_id": slack_id,
                "email_checked": user.email,
                "checked_at": timezone.now(),
                "error": "",
            },
        )
    return user


def identities_forget(user_ids: list[int]) -> int:
    """Forget what we know (people who left, or whose email changed): asked again next time."""
    return SlackIdentity.objects.filter(user_id__in=user_ids).update(checked_at=None)


STOPPING = {"ratelimited", "invalid_auth", "not_authed", "account_inactive"}


def directory_sync(*, only_stale: bool = False, now: datetime | None = None) -> SyncReport:
    """Look every active person up by email (or only those not asked recently); see
    ``tandem.integrations.directory_sync``."""
    now = now or timezone.now()
    client = web_client()
    return shared.directory_sync(
        tool="Slack",
        identity_of="slack_identity",
        lookup=lambda user: identity_lookup(user, client=client, now=now),
        error=SlackError,
        stops=lambda exc: exc.code in STOPPING,
        max_age=_max_age(),
        only_stale=only_stale,
        now=now,
    )


def people_in_slack_count() -> tuple[int, int]:
    """(found, active people) from memory, for the admin page."""
    return shared.people_found_count(SlackIdentity.objects.all(), found=~Q(slack_user_id=""))

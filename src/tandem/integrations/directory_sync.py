"""Looking everyone up in a chat tool's directory, shared by Slack and Teams: who is asked (all
active people, or only those whose remembered answer is stale), one short transaction per person
so a sync cut short keeps what it learned, and when to stop (the tool refuses us)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.db import models, transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.people.models import Person, PersonStatus


class Identity(Protocol):
    """What a remembered look-up has (``SlackIdentity``, ``TeamsIdentity``)."""

    checked_at: datetime | None
    email_checked: str

    @property
    def found(self) -> bool: ...


@dataclass
class SyncReport:
    tool: str  # "Slack", "Teams"
    total: int = 0
    found: int = 0
    missing: list[User] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    stopped_by: str = ""  # the tool's error code when the sync had to stop early

    @property
    def summary(self) -> str:
        return f"{self.found} of {self.total} people found in {self.tool}"


def is_stale(identity: Identity | None, user: User, *, now: datetime, max_age: timedelta) -> bool:
    return (
        identity is None
        or identity.checked_at is None
        or identity.email_checked.lower() != user.email.lower()
        or identity.checked_at <= now - max_age
    )


def directory_sync(
    *,
    tool: str,
    identity_of: str,
    lookup: Callable[[User], Any],
    error: type[Exception],
    stops: Callable[[Any], bool],
    max_age: timedelta,
    only_stale: bool = False,
    now: datetime | None = None,
) -> SyncReport:
    """Look every active person up with ``lookup(user)`` (which remembers and returns the
    identity, or raises ``error``); ``identity_of`` is the user's reverse accessor to it."""
    now = now or timezone.now()
    users = (
        User.objects.filter(is_active=True, person__status=PersonStatus.ACTIVE)
        .select_related(identity_of)
        .order_by("name", "pk")
    )
    report = SyncReport(tool=tool, total=users.count())
    for user in users:
        identity = getattr(user, identity_of, None)
        if not only_stale or is_stale(identity, user, now=now, max_age=max_age):
            try:
                with transaction.atomic():
                    identity = lookup(user)
            except error as exc:
                code = str(getattr(exc, "code", "") or type(exc).__name__)
                report.errors[code] = report.errors.get(code, 0) + 1
                report.missing.append(user)
                if stops(exc):
                    report.stopped_by = code
                    break
                continue
        if identity is not None and identity.found:
            report.found += 1
        else:
            report.missing.append(user)
    return report


def people_found_count(identities: models.QuerySet[Any], *, found: models.Q) -> tuple[int, int]:
    """(found, active people) from memory, for the admin pages."""
    total = Person.objects.filter(status=PersonStatus.ACTIVE, user__is_active=True).count()
    known = identities.filter(found).filter(
        user__is_active=True, user__person__status=PersonStatus.ACTIVE
    )
    return known.count(), total

"""Private calendar feeds: one revocable address per person, only its hash is stored."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.accounts.tokens import digest, new_secret
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError
from tandem.people.models import Person
from tandem.relationships.models import (
    CalendarFeed,
)


@transaction.atomic
def calendar_feed_create(*, actor: User) -> str:
    """A new private feed address; older ones stop working. Returns the token (shown once)."""
    person = Person.objects.filter(user=actor).first()
    if person is None:
        raise ApplicationError("Only people in the directory have a meeting calendar.")
    CalendarFeed.objects.filter(person=person, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token = new_secret(24)
    CalendarFeed.objects.create(person=person, token_hash=digest(token))
    log_action("relationship.calendar_feed_created", actor=actor)
    return token


@transaction.atomic
def calendar_feed_revoke(*, actor: User) -> int:
    return CalendarFeed.objects.filter(person__user=actor, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def person_for_feed(token: str) -> Person | None:
    feed = (
        CalendarFeed.objects.select_related("person__user")
        .filter(token_hash=digest(token), revoked_at__isnull=True, person__user__is_active=True)
        .first()
    )
    if feed is None:
        return None
    if feed.last_used_at is None or timezone.now() - feed.last_used_at > timedelta(hours=1):
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    return feed.person

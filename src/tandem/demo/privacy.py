"""Data rights in the demo: the retention job has run once (leavers past their period are erased
and show as pseudonyms), and one participant has asked for erasure, waiting for an admin."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tandem.accounts.models import User
from tandem.people.models import Person, PersonStatus
from tandem.people.retention import apply_retention
from tandem.people.rights import erasure_request
from tandem.relationships.models import LIVE_STATUSES, Membership


def seed_privacy(*, keep_emails: tuple[str, ...]) -> None:
    apply_retention(timezone.now())
    member = (
        Membership.objects.filter(
            relationship__status__in=LIVE_STATUSES, person__status=PersonStatus.ACTIVE
        )
        .exclude(person__user__email__in=keep_emails)
        .select_related("person__user")
        .order_by("pk")
        .first()
    )
    if member is None:
        return
    person: Person = member.person
    user: User = person.user
    erasure_request(person=person, actor=user, now=timezone.now() - timedelta(days=3))

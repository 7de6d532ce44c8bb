"""The coordinators' weekly digest: the desk, by email, on Monday morning in their own time zone.

Idempotent per coordinator and ISO week (the outbox's event key), so running the job every hour
(or twice) sends each one once; a week with nothing that needs them sends nothing.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from tandem.accounts.models import Role, User
from tandem.insights.desk import ProgramDesk, coordinator_desk
from tandem.notify.models import Category, OutboxMessage
from tandem.notify.outbox import EmailToSend, enqueue, render_email
from tandem.people.models import Person

DIGEST_WEEKDAY = 0  # Monday
DIGEST_HOUR = 8


def _local(now: datetime, user: User) -> datetime:
    person = Person.objects.filter(user=user).first()
    zone = person.timezone if person and person.timezone else settings.TIME_ZONE
    try:
        return now.astimezone(ZoneInfo(zone))
    except (KeyError, ValueError):
        return now


def digest_key(user: User, local: datetime) -> str:
    year, week, _ = local.isocalendar()
    return f"coordinator-digest:{user.pk}:{year}-W{week:02d}"


def digest_email(user: User, desks: list[ProgramDesk], local: datetime) -> EmailToSend:
    week = local.isocalendar()[1]
    return render_email(
        "coordinator_digest",
        category=Category.PROGRAM_NEWS,
        templates="insights/email",
        event_key=digest_key(user, local),
        recipient=user,
        context={
            "desks": [d for d in desks if d.items],
            "quiet": [d for d in desks if not d.items],
            "count": sum(len(d.items) for d in desks),
            "week": week,
        },
    )


def send_weekly_digests(now: datetime) -> int:
    """Every coordinator whose Monday 08:00 has come this week and who has something to do."""
    sent = 0
    coordinators = User.objects.filter(
        is_active=True, role__in=(Role.COORDINATOR, Role.ADMIN), coordinated_programs__isnull=False
    ).distinct()
    for user in coordinators:
        local = _local(now, user)
        if local.weekday() != DIGEST_WEEKDAY or local.hour < DIGEST_HOUR:
            continue
        if OutboxMessage.objects.filter(event_key=digest_key(user, local)).exists():
            continue
        desks = coordinator_desk(user, now)
        if not any(d.items for d in desks):
            continue
        with transaction.atomic():
            sent += enqueue([digest_email(user, desks, local)])
    return sent

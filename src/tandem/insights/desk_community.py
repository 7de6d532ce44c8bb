"""The coordinator's desk lines about group sessions and the discussion of one program."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, F, Q
from django.urls import reverse

from tandem.community.models import GroupSession, Report, RsvpStatus, SessionStatus
from tandem.programs.models import Program


def community_items(program: Program, now: datetime) -> list[tuple[str, str, str, bool]]:
    """``(text, url, action, urgent)``: reported posts waiting, and sessions whose deadline
    passed without their minimum."""
    items = []
    reports = Report.objects.filter(post__thread__program=program, handled_at__isnull=True).count()
    if reports:
        text = "1 reported post" if reports == 1 else f"{reports} reported posts"
        items.append(
            (
                f"{text} in the discussion",
                reverse("community:reports", args=[program.pk]),
                "Review",
                True,
            )
        )
    short = (
        GroupSession.objects.filter(
            program=program,
            status=SessionStatus.SCHEDULED,
            starts_at__gt=now,
            min_deadline__lte=now,
        )
        .annotate(going=Count("rsvps", filter=Q(rsvps__status=RsvpStatus.GOING)))
        .filter(going__lt=F("min_attendees"))
        .order_by("starts_at")
        .first()
    )
    if short is not None:
        items.append(
            (
                f"“{short.title}” has {short.going} of the {short.min_attendees} people it needs",
                reverse("community:session", args=[short.pk]),
                "Decide",
                False,
            )
        )
    return items

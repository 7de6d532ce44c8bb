"""Group session KPIs of a program: sessions held, attendance (attended / said yes) and
people helped (distinct people who came). Filters narrow the attendees like every section."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q

from tandem.community.models import GroupSession, Rsvp, RsvpStatus, SessionStatus
from tandem.insights.kpis.records import Kpi, as_percent, as_ratio
from tandem.insights.kpis.scope import Scope


def community_kpis(scope: Scope, now: datetime) -> list[Kpi]:
    held = GroupSession.objects.filter(
        program=scope.program, status=SessionStatus.SCHEDULED, ends_at__lt=now
    )
    totals = held.aggregate(sessions=Count("id"), hosts=Count("host_id", distinct=True))
    sessions, hosts = totals["sessions"], totals["hosts"]
    rsvps = Rsvp.objects.filter(
        session__in=held.filter(rsvps__attended__isnull=False).distinct(),
        status=RsvpStatus.GOING,
    )
    rsvps = scope.restrict_people(rsvps, "user__person")
    counts = rsvps.aggregate(
        said_yes=Count("id"),
        came=Count("id", filter=Q(attended=True)),
        people=Count("user_id", filter=Q(attended=True), distinct=True),
    )
    attendance = as_ratio(counts["came"], counts["said_yes"])
    return [
        Kpi(
            "sessions_held",
            "Group sessions held",
            float(sessions),
            str(sessions),
            f"led by {hosts} host{'s' if hosts != 1 else ''}",
            sessions,
        ),
        Kpi(
            "session_attendance",
            "Session attendance",
            attendance,
            as_percent(attendance),
            f"{counts['came']} of {counts['said_yes']} who said yes came",
            counts["said_yes"],
        ),
        Kpi(
            "people_helped",
            "People helped in sessions",
            float(counts["people"]),
            str(counts["people"]),
            "different people who came to a session",
            counts["people"],
        ),
    ]

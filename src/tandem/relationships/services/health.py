"""Counters and health: kept up to date by every meeting and log change, so dashboards read one
row per relationship instead of aggregating meetings."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from tandem.relationships import health
from tandem.relationships.models import (
    MeetingLog,
    MeetingStatus,
    Relationship,
    reciprocity_of,
)
from tandem.relationships.selectors import health_facts, health_settings, topic_counts


def recount(relationship: Relationship) -> None:
    """Rebuild the relationship's meeting and topic counters from its meetings and logs."""
    totals = relationship.meetings.aggregate(
        held=Count("id", filter=Q(status=MeetingStatus.HELD)),
        missed=Count("id", filter=Q(status=MeetingStatus.MISSED)),
        first=Min("starts_at", filter=Q(status=MeetingStatus.HELD)),
        last=Max("starts_at", filter=Q(status=MeetingStatus.HELD)),
    )
    topics: dict[str, int] = {}
    for meeting in topic_counts(relationship):
        for person, count in meeting.items():
            topics[str(person)] = topics.get(str(person), 0) + count
    written = dict(
        MeetingLog.objects.filter(meeting__relationship=relationship)
        .order_by()
        .values_list("author_id")
        .annotate(n=Count("id"))
    )
    members = list(relationship.members.select_related("person"))
    for member in members:
        if member.logs_written != written.get(member.person_id, 0):
            member.logs_written = written.get(member.person_id, 0)
            member.save(update_fields=["logs_written"])
    departments = {m.person.department_id for m in members} - {None}
    Relationship.objects.filter(pk=relationship.pk).update(
        meetings_held=totals["held"],
        meetings_missed=totals["missed"],
        first_meeting_at=totals["first"],
        last_meeting_at=totals["last"],
        topic_counts=topics,
        reciprocity=reciprocity_of(topics, len(members)),
        crosses_departments=len(departments) > 1,
    )


def refresh_health(relationship: Relationship, now: datetime | None = None) -> health.Assessment:
    now = now or timezone.now()
    recount(relationship)
    result = health.assess(health_facts(relationship, now), now, health_settings(relationship))
    Relationship.objects.filter(pk=relationship.pk).update(
        health=result.status, health_reasons=result.reasons, health_checked_at=now
    )
    relationship.health, relationship.health_reasons = result.status, result.reasons
    return result

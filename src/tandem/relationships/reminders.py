"""Reminders and nudges for relationships, run by the periodic jobs. Each is sent at most once
(marked on the meeting, goal or a ``Nudge`` row) and never during the recipient's quiet hours."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from tandem.notify.outbox import EmailToSend, enqueue
from tandem.relationships import emails, health
from tandem.relationships.models import (
    Goal,
    GoalStatus,
    Meeting,
    MeetingStatus,
    Membership,
    Nudge,
    Relationship,
    RelationshipStatus,
)
from tandem.relationships.selectors import health_settings
from tandem.relationships.services.checkins import ask_did_you_meet
from tandem.relationships.services.health import refresh_health
from tandem.relationships.slots import next_delivery_time


def deliver_at(now: datetime, person_timezone: str, latest: datetime | None = None) -> datetime:
    """The first moment outside the person's quiet hours (08:00–20:00 local), but never later
    than ``latest`` (a reminder must arrive before the meeting)."""
    moment = next_delivery_time(now, person_timezone)
    return min(moment, latest) if latest is not None else moment


def meeting_reminders(now: datetime) -> int:
    due = Meeting.objects.filter(
        status=MeetingStatus.SCHEDULED,
        reminded_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + timedelta(hours=24),
        relationship__status=RelationshipStatus.ACTIVE,
    ).select_related("relationship__program")
    sent = 0
    for meeting in due:
        with transaction.atomic():
            if not Meeting.objects.filter(pk=meeting.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue  # another runner took it
            outgoing: list[EmailToSend] = []
            for membership in meeting.relationship.members.select_related("person__user"):
                person = membership.person
                send = deliver_at(
                    max(now, meeting.starts_at - timedelta(hours=24)),
                    person.timezone,
                    latest=meeting.starts_at - timedelta(minutes=30),
                )
                outgoing.append(
                    emails.meeting_reminder_email(
                        meeting=meeting, recipient=person.user, send_after=max(send, now)
                    )
                )
            enqueue(outgoing)
            sent += len(outgoing)
    return sent


def log_prompts(now: datetime) -> int:
    """An hour after a meeting: "did you meet?" if nobody marked it yet (answering yes can log it
    in one step), or a prompt to log it for whoever has not logged a held meeting."""
    due = Meeting.objects.filter(
        status__in=[MeetingStatus.SCHEDULED, MeetingStatus.HELD],
        log_prompted_at__isnull=True,
        ends_at__lte=now - timedelta(hours=1),
        ends_at__gte=now - timedelta(days=7),
        relationship__status=RelationshipStatus.ACTIVE,
    ).select_related("relationship__program")
    sent = 0
    for meeting in due:
        with transaction.atomic():
            if not Meeting.objects.filter(pk=meeting.pk, log_prompted_at__isnull=True).update(
                log_prompted_at=now
            ):
                continue
            members = meeting.relationship.members.select_related("person__user", "relationship")
            if meeting.status == MeetingStatus.SCHEDULED:
                sent += sum(
                    ask_did_you_meet(
                        membership=m,
                        key=f"meeting:{meeting.pk}",
                        meeting=meeting,
                        now=now,
                        send_after=deliver_at(now, m.person.timezone),
                    )
                    for m in members
                )
                continue
            logged = set(meeting.logs.values_list("author_id", flat=True))
            outgoing = [
                emails.log_prompt_email(
                    meeting=meeting,
                    recipient=m.person.user,
                    send_after=deliver_at(now, m.person.timezone),
                )
                for m in members
                if m.person_id not in logged
            ]
            enqueue(outgoing)
            sent += len(outgoing)
    return sent


def _nudge_once(relationship: Relationship, key: str, build: list[EmailToSend]) -> int:
    _, created = Nudge.objects.get_or_create(relationship=relationship, key=key)
    if not created:
        return 0
    enqueue(build)
    return len(build)


def cadence_and_inactivity(now: datetime) -> dict[str, int]:
    """Refresh every live relationship's health; nudge overdue pairs, warn inactive ones, and
    alert the coordinators once each time a match becomes at risk (until it meets again).

    Matches still waiting for answers get a health too, but their coordinators are alerted by
    the answer-deadline job, not here.
    """
    counts = {"checked": 0, "nudged": 0, "warned": 0, "alerted": 0}
    live = Relationship.objects.filter(
        status__in=(RelationshipStatus.ACTIVE, RelationshipStatus.PROPOSED)
    ).select_related("program")
    for relationship in live:
        with transaction.atomic():
            counts["checked"] += 1
            result = refresh_health(relationship, now)
            if relationship.status != RelationshipStatus.ACTIVE:
                continue
            since = _since(relationship).date().isoformat()
            facts_settings = _settings(relationship)
            if _at_risk_long_enough(result, now, facts_settings):
                counts["alerted"] += _nudge_once(
                    relationship,
                    f"at-risk:{since}",
                    [
                        emails.at_risk_alert_email(
                            relationship=relationship,
                            coordinator=c,
                            reasons=result.reasons,
                            since=since,
                        )
                        for c in relationship.program.coordinators.all()
                    ],
                )
            if not _overdue(relationship, now, facts_settings):
                continue
            members = list(
                relationship.members.select_related("person__user", "relationship__program")
            )
            days = result.days_without_meeting
            if days >= facts_settings.inactivity_warning_days:
                counts["warned"] += _nudge_once(
                    relationship,
                    f"inactivity:{since}",
                    [
                        emails.relationship_nudge_email(
                            kind="inactivity_warning",
                            membership=m,
                            key=f"inactivity:{since}",
                            send_after=deliver_at(now, m.person.timezone),
                            context={"days": days},
                        )
                        for m in members
                    ],
                )
            else:
                counts["nudged"] += _nudge_once(
                    relationship,
                    f"cadence:{since}",
                    [
                        emails.relationship_nudge_email(
                            kind="cadence_nudge",
                            membership=m,
                            key=f"cadence:{since}",
                            send_after=deliver_at(now, m.person.timezone),
                        )
                        for m in members
                    ],
                )
    return counts


def _at_risk_long_enough(
    result: health.Assessment, now: datetime, settings: health.HealthSettings
) -> bool:
    """At risk for the program's alert delay, counted from when the rule started to hold."""
    if result.status != health.AT_RISK or result.at_risk_since is None:
        return False
    return now - result.at_risk_since >= timedelta(days=settings.inactivity_alert_days)


def _settings(relationship: Relationship) -> health.HealthSettings:
    return health_settings(relationship)


def _since(relationship: Relationship) -> datetime:
    last = relationship.meetings.filter(status=MeetingStatus.HELD).order_by("-starts_at").first()
    return last.starts_at if last else (relationship.activated_at or relationship.created_at)


def _overdue(relationship: Relationship, now: datetime, settings: health.HealthSettings) -> bool:
    if relationship.meetings.filter(status=MeetingStatus.SCHEDULED, starts_at__gt=now).exists():
        return False
    return now - _since(relationship) > timedelta(days=settings.cadence_days + settings.grace_days)


def goal_checkins(now: datetime, every: timedelta = timedelta(days=30)) -> int:
    sent = 0
    goals = Goal.objects.filter(
        status=GoalStatus.ACTIVE, relationship__status=RelationshipStatus.ACTIVE
    ).select_related("owner__user", "relationship__program")
    for goal in goals:
        last = goal.updates.values_list("created_at", flat=True).first() or goal.created_at
        if now - last < every or (goal.nudged_at and now - goal.nudged_at < every):
            continue
        membership = Membership.objects.select_related("person__user", "relationship__program").get(
            relationship=goal.relationship, person=goal.owner
        )
        with transaction.atomic():
            if not Goal.objects.filter(pk=goal.pk, nudged_at=goal.nudged_at).update(nudged_at=now):
                continue
            enqueue(
                [
                    emails.relationship_nudge_email(
                        kind="goal_checkin",
                        membership=membership,
                        key=f"goal:{goal.pk}:{now:%Y-%m-%d}",
                        send_after=deliver_at(now, goal.owner.timezone),
                        context={"goal": goal},
                    )
                ]
            )
            sent += 1
    return sent

"""The emails of a relationship: answering a match, meetings and their invitations, nudges,
alerts to coordinators, concerns and closing (templates in relationships/email/)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.notify.models import Category
from tandem.notify.outbox import Attachment, EmailToSend, render_email
from tandem.relationships.calendars import meeting_url
from tandem.relationships.models import (
    Concern,
    Meeting,
    MeetingSeries,
    Membership,
    Relationship,
    RepairRequest,
)

TEMPLATES = "relationships/email"


def match_url(membership: Membership) -> str:
    """Where a member answers (or later reads) their match."""
    return settings.SITE_URL + reverse("matches:my_match", args=[membership.pk])


def relationship_url(relationship: Relationship) -> str:
    return settings.SITE_URL + reverse("relationships:detail", args=[relationship.pk])


def match_started_email(*, relationship: Relationship, membership: Membership) -> EmailToSend:
    return render_email(
        "match_started",
        category=Category.MATCHES,
        templates=TEMPLATES,
        event_key=f"match:{relationship.pk}:started:{membership.pk}",
        recipient=membership.person.user,
        context={"program": relationship.program, "url": match_url(membership)},
    )


def match_declined_email(*, relationship: Relationship, membership: Membership) -> EmailToSend:
    return render_email(
        "match_declined",
        category=Category.MATCHES,
        templates=TEMPLATES,
        event_key=f"match:{relationship.pk}:declined:{membership.pk}",
        recipient=membership.person.user,
        context={"program": relationship.program},
    )


def match_ended_email(*, relationship: Relationship, membership: Membership) -> EmailToSend:
    return render_email(
        "match_ended",
        category=Category.MATCHES,
        templates=TEMPLATES,
        event_key=f"match:{relationship.pk}:ended:{membership.pk}",
        recipient=membership.person.user,
        context={"program": relationship.program, "relationship": relationship},
    )


def match_answer_reminder_email(*, membership: Membership) -> EmailToSend:
    return render_email(
        "match_answer_reminder",
        category=Category.MATCHES,
        templates=TEMPLATES,
        event_key=f"match:{membership.relationship_id}:remind:{membership.pk}",
        recipient=membership.person.user,
        context={"program": membership.relationship.program, "url": match_url(membership)},
    )


def match_unanswered_alert_email(*, membership: Membership, coordinator: User) -> EmailToSend:
    program = membership.relationship.program
    return render_email(
        "match_unanswered_alert",
        category=Category.PROGRAM_NEWS,
        templates=TEMPLATES,
        event_key=f"match:{membership.relationship_id}:unanswered:{membership.pk}",
        recipient=coordinator,
        context={
            "program": program,
            "person": membership.person,
            "url": settings.SITE_URL + reverse("matches:program", args=[program.pk]),
        },
    )


def repair_requested_email(*, request: RepairRequest, coordinator: User) -> EmailToSend:
    program = request.relationship.program
    return render_email(
        "repair_requested",
        category=Category.PROGRAM_NEWS,
        templates=TEMPLATES,
        event_key=f"repair:{request.pk}:{coordinator.pk}",
        recipient=coordinator,
        context={
            "program": program,
            "url": settings.SITE_URL + reverse("matches:program", args=[program.pk]),
        },
    )


def meeting_email(
    *,
    meeting: Meeting,
    recipient: User,
    change: str,
    attachment: Attachment,
    series: MeetingSeries | None = None,
    send_after: datetime | None = None,
) -> EmailToSend:
    """An invitation (``change`` = new / moved / cancelled) with the .ics attached. No agenda
    text: invitations also reach coordinators and calendar servers."""
    sequence = series.sequence if series is not None else meeting.sequence
    return render_email(
        "meeting_invitation",
        category=Category.MEETINGS,
        templates=TEMPLATES,
        event_key=f"meeting:{meeting.uid}:{sequence}:{change}:{recipient.pk}",
        recipient=recipient,
        context={
            "meeting": meeting,
            "change": change,
            "series": series,
            "url": meeting_url(meeting),
            "program": meeting.relationship.program,
            "tzname": _zone_of(recipient, meeting),
        },
        attachments=[attachment],
        send_after=send_after,
    )


def meeting_reminder_email(
    *, meeting: Meeting, recipient: User, send_after: datetime
) -> EmailToSend:
    return render_email(
        "meeting_reminder",
        category=Category.MEETINGS,
        templates=TEMPLATES,
        event_key=f"meeting:{meeting.pk}:{meeting.sequence}:reminder:{recipient.pk}",
        recipient=recipient,
        context={
            "meeting": meeting,
            "url": meeting_url(meeting),
            "tzname": _zone_of(recipient, meeting),
        },
        send_after=send_after,
    )


def _zone_of(user: User, meeting: Meeting) -> str:
    """Meeting times in emails are shown in the reader's own time zone."""
    person = getattr(user, "person", None)
    return person.timezone if person is not None else meeting.timezone


def log_prompt_email(*, meeting: Meeting, recipient: User, send_after: datetime) -> EmailToSend:
    return render_email(
        "log_prompt",
        category=Category.MEETINGS,
        templates=TEMPLATES,
        event_key=f"meeting:{meeting.pk}:log-prompt:{recipient.pk}",
        recipient=recipient,
        context={"meeting": meeting, "url": meeting_url(meeting)},
        send_after=send_after,
    )


def relationship_nudge_email(
    *,
    kind: str,
    membership: Membership,
    key: str,
    send_after: datetime | None = None,
    context: dict[str, object] | None = None,
) -> EmailToSend:
    """``cadence_nudge``, ``inactivity_warning``, ``goal_checkin`` or ``reciprocity_nudge``."""
    relationship = membership.relationship
    return render_email(
        kind,
        category=Category.NUDGES,
        templates=TEMPLATES,
        event_key=f"relationship:{relationship.pk}:{key}:{membership.pk}",
        recipient=membership.person.user,
        context={
            "relationship": relationship,
            "program": relationship.program,
            "url": relationship_url(relationship),
            **(context or {}),
        },
        send_after=send_after,
    )


def reciprocity_nudge_email(*, membership: Membership) -> EmailToSend:
    return relationship_nudge_email(
        kind="reciprocity_nudge",
        membership=membership,
        key=f"reciprocity:{timezone.localdate():%Y-%m-%d}",
    )


def at_risk_alert_email(
    *, relationship: Relationship, coordinator: User, reasons: list[str], since: str
) -> EmailToSend:
    """Once per at-risk episode (until the match meets again): what is wrong, one click away."""
    return render_email(
        "at_risk_alert",
        category=Category.PROGRAM_NEWS,
        templates=TEMPLATES,
        event_key=f"relationship:{relationship.pk}:at-risk:{since}:{coordinator.pk}",
        recipient=coordinator,
        context={
            "program": relationship.program,
            "reasons": reasons,
            "names": [
                m.person.user.name for m in relationship.members.select_related("person__user")
            ],
            "url": settings.SITE_URL
            + reverse("relationships:program_health", args=[relationship.program_id])
            + f"#relationship-{relationship.pk}",
        },
    )


def concern_raised_email(*, concern: Concern, coordinator: User) -> EmailToSend:
    return render_email(
        "concern_raised",
        category=Category.PROGRAM_NEWS,
        templates=TEMPLATES,
        event_key=f"concern:{concern.pk}:{coordinator.pk}",
        recipient=coordinator,
        context={
            "program": concern.program,
            "url": settings.SITE_URL
            + reverse("relationships:program_health", args=[concern.program_id]),
        },
    )


def closing_prompt_email(*, membership: Membership) -> EmailToSend:
    relationship = membership.relationship
    return render_email(
        "closing_prompt",
        category=Category.NUDGES,
        templates=TEMPLATES,
        event_key=f"relationship:{relationship.pk}:closing:{membership.pk}",
        recipient=membership.person.user,
        context={
            "program": relationship.program,
            "url": settings.SITE_URL + reverse("relationships:close", args=[relationship.pk]),
        },
    )

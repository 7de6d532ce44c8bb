"""One function per email kind. Each renders three templates (subject, text, HTML) into the outbox,
inside the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from tandem.notify.outbox import Attachment, EmailToSend, render_email

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.feedback.models import Survey
    from tandem.matches.models import MatchRun
    from tandem.people.models import Person
    from tandem.programs.models import Enrolment, Program
    from tandem.relationships.models import (
        Concern,
        Meeting,
        MeetingSeries,
        Membership,
        Relationship,
        RepairRequest,
    )


def invitation_email(
    *,
    user: User,
    accept_url: str,
    expires_at: datetime,
    invitation_id: int,
    invited_by: User | None,
) -> EmailToSend:
    return render_email(
        "invitation",
        event_key=f"invitation:{invitation_id}",
        recipient=user,
        context={
            "accept_url": accept_url,
            "expires_at": expires_at,
            "invited_by_name": invited_by.name if invited_by else "",
        },
    )


def password_reset_email(*, user: User, reset_url: str, event_key: str) -> EmailToSend:
    return render_email(
        "password_reset", event_key=event_key, recipient=user, context={"reset_url": reset_url}
    )


def program_mailing_email(
    *, kind: str, program: Program, user: User, mailing_key: str
) -> EmailToSend:
    """Invitation (``program_invitation``), ``enrolment_reminder`` or ``enrolment_last_call``."""
    return render_email(
        kind,
        event_key=f"program:{program.pk}:{mailing_key}:{user.pk}",
        recipient=user,
        context={"program": program},
    )


def enrolment_confirmed_email(*, enrolment: Enrolment, user: User, at: datetime) -> EmailToSend:
    return render_email(
        "enrolment_confirmed",
        event_key=f"program:{enrolment.program_id}:enrolled:{enrolment.pk}:{int(at.timestamp())}",
        recipient=user,
        context={"program": enrolment.program, "enrolment": enrolment},
    )


# --- matches -------------------------------------------------------------------------------------


def _match_url(membership: Membership) -> str:
    from django.conf import settings
    from django.urls import reverse

    return settings.SITE_URL + reverse("matches:my_match", args=[membership.pk])


def match_email(
    *, membership: Membership, partners: list[Person], program: Program, needs_answer: bool
) -> EmailToSend:
    return render_email(
        "match_proposed",
        event_key=f"match:{membership.relationship_id}:proposed:{membership.pk}",
        recipient=membership.person.user,
        context={
            "program": program,
            "membership": membership,
            "partners": partners,
            "explanation": membership.explanation,
            "needs_answer": needs_answer,
            "url": _match_url(membership),
        },
    )


def not_matched_email(
    *, person: Person, program: Program, reason: str, run: MatchRun
) -> EmailToSend:
    return render_email(
        "not_matched",
        event_key=f"match-run:{run.pk}:unmatched:{person.pk}",
        recipient=person.user,
        context={"program": program, "reason": reason, "rotation": run.round is not None},
    )


def match_started_email(*, relationship: Relationship, membership: Membership) -> EmailToSend:
    return render_email(
        "match_started",
        event_key=f"match:{relationship.pk}:started:{membership.pk}",
        recipient=membership.person.user,
        context={"program": relationship.program, "url": _match_url(membership)},
    )


def match_declined_email(*, relationship: Relationship, membership: Membership) -> EmailToSend:
    return render_email(
        "match_declined",
        event_key=f"match:{relationship.pk}:declined:{membership.pk}",
        recipient=membership.person.user,
        context={"program": relationship.program},
    )


def match_ended_email(*, relationship: Relationship, membership: Membership) -> EmailToSend:
    return render_email(
        "match_ended",
        event_key=f"match:{relationship.pk}:ended:{membership.pk}",
        recipient=membership.person.user,
        context={"program": relationship.program, "relationship": relationship},
    )


def match_answer_reminder_email(*, membership: Membership) -> EmailToSend:
    return render_email(
        "match_answer_reminder",
        event_key=f"match:{membership.relationship_id}:remind:{membership.pk}",
        recipient=membership.person.user,
        context={"program": membership.relationship.program, "url": _match_url(membership)},
    )


def match_unanswered_alert_email(*, membership: Membership, coordinator: User) -> EmailToSend:
    from django.conf import settings
    from django.urls import reverse

    program = membership.relationship.program
    return render_email(
        "match_unanswered_alert",
        event_key=f"match:{membership.relationship_id}:unanswered:{membership.pk}",
        recipient=coordinator,
        context={
            "program": program,
            "person": membership.person,
            "url": settings.SITE_URL + reverse("matches:program", args=[program.pk]),
        },
    )


def repair_requested_email(*, request: RepairRequest, coordinator: User) -> EmailToSend:
    from django.conf import settings
    from django.urls import reverse

    program = request.relationship.program
    return render_email(
        "repair_requested",
        event_key=f"repair:{request.pk}:{coordinator.pk}",
        recipient=coordinator,
        context={
            "program": program,
            "url": settings.SITE_URL + reverse("matches:program", args=[program.pk]),
        },
    )


# --- relationships -------------------------------------------------------------------------------


def _relationship_url(relationship: Relationship) -> str:
    from django.conf import settings
    from django.urls import reverse

    return settings.SITE_URL + reverse("relationships:detail", args=[relationship.pk])


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
    from tandem.relationships.calendars import meeting_url

    sequence = series.sequence if series is not None else meeting.sequence
    return render_email(
        "meeting_invitation",
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
    from tandem.relationships.calendars import meeting_url

    return render_email(
        "meeting_reminder",
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
    from tandem.relationships.calendars import meeting_url

    return render_email(
        "log_prompt",
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
        event_key=f"relationship:{relationship.pk}:{key}:{membership.pk}",
        recipient=membership.person.user,
        context={
            "relationship": relationship,
            "program": relationship.program,
            "url": _relationship_url(relationship),
            **(context or {}),
        },
        send_after=send_after,
    )


def reciprocity_nudge_email(*, membership: Membership) -> EmailToSend:
    from django.utils import timezone

    return relationship_nudge_email(
        kind="reciprocity_nudge",
        membership=membership,
        key=f"reciprocity:{timezone.localdate():%Y-%m-%d}",
    )


def inactivity_alert_email(
    *, relationship: Relationship, coordinator: User, days: int
) -> EmailToSend:
    from django.conf import settings
    from django.urls import reverse

    return render_email(
        "inactivity_alert",
        event_key=f"relationship:{relationship.pk}:inactivity-alert:{coordinator.pk}:{days // 30}",
        recipient=coordinator,
        context={
            "program": relationship.program,
            "days": days,
            "names": [
                m.person.user.name for m in relationship.members.select_related("person__user")
            ],
            "url": settings.SITE_URL
            + reverse("relationships:program_health", args=[relationship.program_id]),
        },
    )


def concern_raised_email(*, concern: Concern, coordinator: User) -> EmailToSend:
    from django.conf import settings
    from django.urls import reverse

    return render_email(
        "concern_raised",
        event_key=f"concern:{concern.pk}:{coordinator.pk}",
        recipient=coordinator,
        context={
            "program": concern.program,
            "url": settings.SITE_URL
            + reverse("relationships:program_health", args=[concern.program_id]),
        },
    )


def closing_prompt_email(*, membership: Membership) -> EmailToSend:
    from django.conf import settings
    from django.urls import reverse

    relationship = membership.relationship
    return render_email(
        "closing_prompt",
        event_key=f"relationship:{relationship.pk}:closing:{membership.pk}",
        recipient=membership.person.user,
        context={
            "program": relationship.program,
            "url": settings.SITE_URL + reverse("relationships:close", args=[relationship.pk]),
        },
    )


# --- surveys -------------------------------------------------------------------------------------


def _survey_context(survey: Survey) -> dict[str, object]:
    from django.conf import settings
    from django.urls import reverse
    from django.utils import timezone

    return {
        "survey": survey,
        "program": survey.program,
        "url": settings.SITE_URL + reverse("feedback:respond", args=[survey.pk]),
        "closes_on": timezone.localdate(survey.closes_at) if survey.closes_at else None,
    }


def survey_invitation_email(*, survey: Survey, person: Person) -> EmailToSend:
    return render_email(
        "survey_invitation",
        event_key=f"survey:{survey.pk}:invite:{person.pk}",
        recipient=person.user,
        context=_survey_context(survey),
    )


def survey_reminder_email(*, survey: Survey, person: Person, number: int) -> EmailToSend:
    """Reminder ``number`` (1, 2 …) to someone who has not answered yet."""
    return render_email(
        "survey_reminder",
        event_key=f"survey:{survey.pk}:remind:{number}:{person.pk}",
        recipient=person.user,
        context=_survey_context(survey) | {"number": number},
    )

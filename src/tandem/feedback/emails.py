"""The emails of surveys: invitations and reminders (only to people who have not answered)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tandem.feedback.models import Survey
from tandem.notify.models import Category
from tandem.notify.outbox import EmailToSend, render_email
from tandem.people.models import Person

TEMPLATES = "feedback/email"


def _survey_context(survey: Survey) -> dict[str, object]:
    return {
        "survey": survey,
        "program": survey.program,
        "url": settings.SITE_URL + reverse("feedback:respond", args=[survey.pk]),
        "closes_on": timezone.localdate(survey.closes_at) if survey.closes_at else None,
    }


def survey_invitation_email(*, survey: Survey, person: Person) -> EmailToSend:
    return render_email(
        "survey_invitation",
        category=Category.SURVEYS,
        templates=TEMPLATES,
        event_key=f"survey:{survey.pk}:invite:{person.pk}",
        recipient=person.user,
        context=_survey_context(survey),
    )


def survey_reminder_email(*, survey: Survey, person: Person, number: int) -> EmailToSend:
    """Reminder ``number`` (1, 2 …) to someone who has not answered yet."""
    return render_email(
        "survey_reminder",
        category=Category.SURVEYS,
        templates=TEMPLATES,
        event_key=f"survey:{survey.pk}:remind:{number}:{person.pk}",
        recipient=person.user,
        context=_survey_context(survey) | {"number": number},
    )

"""The periodic side: open surveys on their day, invite late joiners, remind (only people who have
not answered), close on time."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError
from tandem.feedback import selectors
from tandem.feedback.emails import survey_reminder_email
from tandem.feedback.models import (
    Participation,
    Survey,
)
from tandem.feedback.services.common import local_date
from tandem.feedback.services.groups import settle_at_close
from tandem.feedback.services.stages import S, invite, open_survey, reminders_due, response_counts
from tandem.notify.outbox import enqueue
from tandem.people.models import PersonStatus


def open_due_surveys(*, now: datetime) -> int:
    """Open every scheduled survey whose day has come; each in its own transaction."""
    opened = 0
    today = local_date(now)
    for survey in Survey.objects.filter(status=S.SCHEDULED).select_related("program"):
        due = selectors.due_on(survey)
        if due is None or due > today:
            continue
        try:
            with transaction.atomic():
                locked = Survey.objects.select_for_update().get(pk=survey.pk)
                if locked.status != S.SCHEDULED:  # another runner got there first
                    continue
                open_survey(locked, now=now, actor=None)
        except ApplicationError:
            continue  # nobody to ask yet; tried again on the next run
        opened += 1
    return opened


@transaction.atomic
def invite_late_joiners(*, survey: Survey, today: date) -> int:
    """People whose match started after the survey opened are asked too."""
    survey = Survey.objects.select_for_update().select_related("program").get(pk=survey.pk)
    if survey.status != S.OPEN:
        return 0
    return invite(survey, selectors.invitees(survey.program).select_related("user"), today=today)


@transaction.atomic
def send_reminders(*, survey: Survey, today: date) -> int:
    """Remind the people who have not answered, once per reminder day that has come (at most
    one email per run, however late the job is). Running it again sends nothing more.

    For an anonymous survey everyone invited is reminded, answered or not: a reminder (and its
    outbox entry, which admins can list) must say nothing about who has answered.
    """
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != S.OPEN or survey.opens_at is None:
        return 0
    due = reminders_due(survey, timezone.localdate(survey.opens_at), today)
    if not due:
        return 0
    waiting = Participation.objects.filter(survey=survey, reminders_sent__lt=due)
    if not survey.anonymous:
        waiting = waiting.filter(responded_on__isnull=True)
    pending = list(waiting.select_for_update().select_related("person__user"))
    waiting.filter(pk__in=[p.pk for p in pending]).update(
        reminders_sent=due, last_reminded_on=today
    )
    enqueue(
        survey_reminder_email(survey=survey, person=p.person, number=due)
        for p in pending
        if p.person.status == PersonStatus.ACTIVE
    )
    return len(pending)


def close_due_surveys(*, now: datetime) -> int:
    closed = 0
    for survey in Survey.objects.filter(status=S.OPEN, closes_at__lte=now):
        with transaction.atomic():
            updated = Survey.objects.filter(pk=survey.pk, status=S.OPEN).update(
                status=S.CLOSED, closed_at=now
            )
            if updated:
                settle_at_close(survey)
                log_action("survey.closed", target=survey, data=response_counts(survey))
                closed += updated
    return closed


def run_schedule(*, now: datetime) -> dict[str, int]:
    """Everything the periodic job does, in order; each step is safe to run twice."""
    today = local_date(now)
    result = {"opened": open_due_surveys(now=now), "invited": 0, "reminded": 0}
    for survey in Survey.objects.filter(status=S.OPEN, closes_at__gt=now):
        result["invited"] += invite_late_joiners(survey=survey, today=today)
        result["reminded"] += send_reminders(survey=survey, today=today)
    result["closed"] = close_due_surveys(now=now)
    return result

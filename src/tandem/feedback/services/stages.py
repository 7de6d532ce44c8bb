"""A survey's stages (draft, scheduled, open, closed): opening invites everyone in a started
match and freezes anonymity and thresholds; a recurring survey schedules its next wave."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, FieldError
from tandem.feedback import selectors
from tandem.feedback.emails import survey_invitation_email
from tandem.feedback.models import (
    Anchor,
    Participation,
    Survey,
    SurveyQuestion,
    SurveyStatus,
)
from tandem.feedback.services.common import local_date, require_coordinator
from tandem.feedback.services.groups import settle_at_close
from tandem.feedback.services.surveys import SURVEY_FIELDS, validate_survey
from tandem.notify.outbox import enqueue
from tandem.people.models import Person

S = SurveyStatus


TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.DRAFT: (S.SCHEDULED, S.OPEN),
    S.SCHEDULED: (S.DRAFT, S.OPEN),
    S.OPEN: (S.CLOSED,),
    S.CLOSED: (),
}


ACTION_LABELS: dict[str, str] = {
    S.SCHEDULED: "Schedule",
    S.DRAFT: "Back to draft",
    S.OPEN: "Open now",
    S.CLOSED: "Close the survey",
}


def allowed_transitions(survey: Survey) -> tuple[str, ...]:
    return TRANSITIONS[survey.status]


@transaction.atomic
def survey_transition(
    *, actor: User | None, survey: Survey, to: str, now: datetime | None = None
) -> Survey:
    """Schedule, unschedule, open now or close a survey (or explain why not)."""
    require_coordinator(actor, survey.program)
    survey = Survey.objects.select_for_update().select_related("program").get(pk=survey.pk)
    if to not in TRANSITIONS[survey.status]:
        labels = dict(S.choices)
        raise ApplicationError(
            f"A survey that is {labels[survey.status].lower()} cannot become "
            f"{labels.get(to, to).lower()}."
        )
    now = now or timezone.now()
    if to == S.SCHEDULED:
        check_ready(survey)
        if survey.day_offset is None:
            raise ApplicationError(
                "Say when the survey opens before scheduling it.",
                errors=[FieldError("Set the day it opens.", field="day_offset")],
            )
        survey.status = S.SCHEDULED
        survey.save(update_fields=["status"])
        log_action("survey.scheduled", actor=actor, target=survey)
    elif to == S.DRAFT:
        survey.status = S.DRAFT
        survey.save(update_fields=["status"])
        log_action("survey.unscheduled", actor=actor, target=survey)
    elif to == S.OPEN:
        open_survey(survey, now=now, actor=actor)
    else:
        survey.status, survey.closed_at = S.CLOSED, now
        survey.save(update_fields=["status", "closed_at"])
        settle_at_close(survey)
        log_action("survey.closed", actor=actor, target=survey, data=response_counts(survey))
    return survey


def response_counts(survey: Survey) -> dict[str, int]:
    rate = selectors.response_rate(survey)
    return {"invited": rate.invited, "responded": rate.responded}


def check_ready(survey: Survey) -> None:
    if not survey.questions.exists():
        raise ApplicationError("Add at least one question first.")
    validate_survey(survey)


def open_survey(survey: Survey, *, now: datetime, actor: User | None) -> None:
    """Open a locked survey: freeze its rules, invite everyone in a started match, schedule the
    next wave of a recurring survey."""
    check_ready(survey)
    people = list(selectors.invitees(survey.program).select_related("user"))
    if not people:
        raise ApplicationError("Nobody to ask yet: surveys go to people whose match has started.")
    survey.status, survey.opens_at = S.OPEN, now
    survey.closes_at = now + timedelta(days=survey.open_days)
    survey.save(update_fields=["status", "opens_at", "closes_at"])
    invited = invite(survey, people, today=local_date(now))
    schedule_next_wave(survey)
    log_action("survey.opened", actor=actor, target=survey, data={"invited": invited})


def invite(survey: Survey, people: Iterable[Person], *, today: date) -> int:
    """Invite the people not invited yet; late joiners skip the reminders already sent."""
    already = set(survey.participations.values_list("person_id", flat=True))
    new = [p for p in people if p.pk not in already]
    opened_on = timezone.localdate(survey.opens_at) if survey.opens_at else today
    already_sent = reminders_due(survey, opened_on, today)
    Participation.objects.bulk_create(
        [
            Participation(survey=survey, person=p, invited_on=today, reminders_sent=already_sent)
            for p in new
        ],
        ignore_conflicts=True,
    )
    enqueue(survey_invitation_email(survey=survey, person=p) for p in new)
    return len(new)


def reminders_due(survey: Survey, opened_on: date, today: date) -> int:
    return sum(1 for day in survey.reminder_days or [] if opened_on + timedelta(days=day) <= today)


def schedule_next_wave(survey: Survey) -> Survey | None:
    """A recurring survey's next wave, scheduled ``repeat_every_days`` after this one, while
    that is before the program's planned end. Idempotent (one wave number per series)."""
    if not survey.repeat_every_days or survey.anchor != Anchor.START:
        return None
    start = selectors.program_start(survey.program)
    if start is None:
        return None
    offset = survey.day_offset if survey.day_offset is not None else (local_date() - start).days
    next_offset = offset + survey.repeat_every_days
    end = selectors.planned_end(survey.program, start)
    if end is not None and start + timedelta(days=next_offset) > end:
        return None
    wave, created = Survey.objects.get_or_create(
        series=survey.series,
        wave=survey.wave + 1,
        defaults={
            field: getattr(survey, field)
            for field in (*SURVEY_FIELDS, "program", "kind", "created_by")
        }
        | {"day_offset": next_offset, "status": S.SCHEDULED},
    )
    if created:
        SurveyQuestion.objects.bulk_create(
            [
                SurveyQuestion(
                    survey=wave,
                    **{
                        f: getattr(q, f)
                        for f in (
                            "position",
                            "kind",
                            "text",
                            "help_text",
                            "choices",
                            "hat",
                            "measure",
                            "skill",
                            "required",
                        )
                    },
                )
                for q in survey.questions.all()
            ]
        )
    return wave

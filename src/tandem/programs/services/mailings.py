"""Invitations to enrol, reminders and the last call, each at most once per program."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from tandem.notify.outbox import enqueue
from tandem.people.models import Person
from tandem.programs.emails import program_mailing_email
from tandem.programs.models import (
    OptOut,
    Program,
    ReminderSent,
)
from tandem.programs.models import ProgramStatus as S
from tandem.programs.selectors import (
    eligible_people,
)


def _mailing(program: Program, key: str, kind: str, people: list[Person]) -> int:
    """One scheduled mailing, at most once per program and key (safe to run twice)."""
    marker, created = ReminderSent.objects.get_or_create(program=program, key=key)
    if not created:
        return 0
    emails = [
        program_mailing_email(kind=kind, program=program, user=person.user, mailing_key=key)
        for person in people
    ]
    enqueue(emails)
    marker.recipients = len(emails)
    marker.save(update_fields=["recipients"])
    return len(emails)


def _not_yet_enrolled(program: Program) -> list[Person]:
    return list(
        eligible_people(program)
        .exclude(enrolments__program=program)
        .exclude(pk__in=OptOut.objects.filter(program=program).values("person_id"))
        .select_related("user")
    )


def send_invitations(*, program: Program) -> int:
    people = list(eligible_people(program).select_related("user"))
    return _mailing(program, "invitation", "program_invitation", people)


@transaction.atomic
def send_due_reminders(*, program: Program, today: date) -> int:
    """Reminders on the coordinator's chosen days after opening, and the last call; never to
    people who enrolled, withdrew or said they are not interested."""
    if program.status != S.ENROLLING or not program.enrolment_opens_on:
        return 0
    sent = 0
    day = (today - program.enrolment_opens_on).days
    if day in (program.reminder_days or []):
        sent += _mailing(
            program, f"reminder-day-{day}", "enrolment_reminder", _not_yet_enrolled(program)
        )
    closes = program.enrolment_closes_on
    if (
        closes
        and program.last_call_days
        and today == closes - timedelta(days=program.last_call_days)
    ):
        sent += _mailing(program, "last-call", "enrolment_last_call", _not_yet_enrolled(program))
    return sent

"""Remind people what they must finish before matching: at most once a week each, from two
days after they enrolled, while the program enrols or matches."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from tandem.learning.emails import training_reminder
from tandem.learning.models import Requirement
from tandem.learning.selectors import waiting_on
from tandem.notify.outbox import send
from tandem.programs.models import Enrolment, EnrolmentStatus, Program, ProgramStatus

GRACE = timedelta(days=2)


def send_training_reminders(now: datetime) -> int:
    sent = 0
    programs = Program.objects.filter(
        status__in=(ProgramStatus.ENROLLING, ProgramStatus.MATCHING, ProgramStatus.ACTIVE),
        pk__in=Requirement.objects.values("program_id"),
    )
    year, week, _ = now.isocalendar()
    for program in programs:
        enrolments = list(
            Enrolment.objects.filter(
                program=program, status=EnrolmentStatus.ACTIVE, created_at__lte=now - GRACE
            ).select_related("person__user")
        )
        waiting = waiting_on(program, enrolments)
        with transaction.atomic():
            for enrolment in enrolments:
                if enrolment.person_id not in waiting:
                    continue
                sent += send(
                    training_reminder(program=program, trainings=waiting[enrolment.person_id]),
                    to=enrolment.person.user,
                    event_key=f"training:{program.pk}:{enrolment.person_id}:{year}-{week}",
                    now=now,
                )
    return sent

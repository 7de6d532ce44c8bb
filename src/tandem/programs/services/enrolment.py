"""Enrolling, changing answers, withdrawing, saying "not interested"; new hires joining a buddy
program on their own; when each person was first matched."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, FieldError, PermissionDeniedError
from tandem.notify.outbox import enqueue
from tandem.people.models import Person, PersonStatus
from tandem.programs.emails import enrolment_confirmed_email
from tandem.programs.models import (
    PRIVATE_KINDS,
    Answer,
    Enrolment,
    EnrolmentRole,
    EnrolmentSource,
    EnrolmentStatus,
    OptOut,
    PrivateAnswer,
    Program,
    ProgramKind,
    Question,
    QuestionKind,
    SignupDay,
)
from tandem.programs.models import ProgramStatus as S
from tandem.programs.selectors import (
    eligibility_problem,
    eligible_people,
    role_for,
)
from tandem.programs.signals import background_withdrawn


def _count_day(program: Program, *, signups: int = 0, withdrawals: int = 0) -> None:
    day, _ = SignupDay.objects.get_or_create(program=program, day=timezone.localdate())
    SignupDay.objects.filter(pk=day.pk).update(
        signups=F("signups") + signups, withdrawals=F("withdrawals") + withdrawals
    )


@transaction.atomic
def enrolment_submit(
    *,
    actor: User,
    program: Program,
    answers: dict[Question, Any],
    role: str = "",
    capacity: int | None = None,
) -> Enrolment:
    """Enrol (or change the answers of) the signed-in person while enrolment is open."""
    person = Person.objects.filter(user=actor, status=PersonStatus.ACTIVE).first()
    if person is None:
        raise ApplicationError("Only people in the directory can enrol.")
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.status != S.ENROLLING:
        raise ApplicationError(
            "Enrolment for this program is closed; answers can no longer change."
            if program.status in (S.MATCHING, S.ACTIVE, S.CLOSED)
            else "Enrolment for this program has not opened yet."
        )
    problem = eligibility_problem(program, person)
    if problem:
        raise ApplicationError(problem)
    now = timezone.now()
    enrolment, created = save_enrolment(
        program=program,
        person=person,
        answers=answers,
        role=role,
        capacity=capacity,
        now=now,
        accepted=True,
    )
    if created:
        enqueue([enrolment_confirmed_email(enrolment=enrolment, user=actor, at=now)])
    log_action(
        "enrolment.saved" if not created else "enrolment.created",
        actor=actor,
        target=enrolment,
        data={"program": program.pk},
    )
    return enrolment


def save_enrolment(
    *,
    program: Program,
    person: Person,
    answers: dict[Question, Any],
    role: str,
    capacity: int | None,
    now: Any,
    accepted: bool,
    source: str = EnrolmentSource.SELF,
) -> tuple[Enrolment, bool]:
    """Write one enrolment and its answers (inside the caller's transaction); True if new."""
    capacity = capacity or program.partners_per_person
    if not 1 <= capacity <= program.capacity_cap:
        raise ApplicationError(
            f"Choose between 1 and {program.capacity_cap} partners.",
            errors=[FieldError(f"At most {program.capacity_cap}.", field="capacity")],
        )
    enrolment = Enrolment.objects.filter(program=program, person=person).first()
    created = enrolment is None or enrolment.status == EnrolmentStatus.WITHDRAWN
    if enrolment is None:
        enrolment = Enrolment(program=program, person=person, created_at=now, source=source)
    enrolment.status = EnrolmentStatus.ACTIVE
    enrolment.withdrawn_at = None
    enrolment.role = role_for(program, person, role)
    if program.kind == ProgramKind.MENTOR_MENTEE and enrolment.role == EnrolmentRole.MENTEE:
        capacity = 1  # a mentee has one mentor; the limit is the mentors' to set
    enrolment.capacity = capacity
    if accepted:
        enrolment.accepted_guidelines_at = now
    enrolment.updated_at = now
    enrolment.save()
    _store_answers(enrolment, answers, now)
    OptOut.objects.filter(program=program, person=person).delete()
    if created:
        _count_day(program, signups=1)
    return enrolment, created


def _store_answers(enrolment: Enrolment, answers: dict[Question, Any], now: Any) -> None:
    public = {q: v for q, v in answers.items() if q.kind not in PRIVATE_KINDS}
    private = {q: v for q, v in answers.items() if q.kind in PRIVATE_KINDS}
    Answer.objects.filter(enrolment=enrolment).delete()
    Answer.objects.bulk_create(
        [
            Answer(enrolment=enrolment, question=q, value=v)
            for q, v in public.items()
            if v is not None
        ]
    )
    before = {
        pa.question_id: pa
        for pa in PrivateAnswer.objects.filter(
            enrolment=enrolment, question__kind=QuestionKind.BACKGROUND
        )
    }
    PrivateAnswer.objects.filter(enrolment=enrolment).delete()
    PrivateAnswer.objects.bulk_create(
        [
            PrivateAnswer(
                enrolment=enrolment,
                question=q,
                value=v,
                consented_at=_consented_at(before.get(q.pk), v, now)
                if q.kind == QuestionKind.BACKGROUND
                else None,
            )
            for q, v in private.items()
            if v not in (None, [])
        ]
    )
    kept = {q.pk for q, v in private.items() if before.get(q.pk) and before[q.pk].value == v}
    if set(before) - kept:
        background_withdrawn.send(sender=Enrolment, program=enrolment.program)


def _consented_at(old: PrivateAnswer | None, value: Any, now: Any) -> Any:
    """An unchanged background answer keeps its consent time (the fairness view counts only
    answers given before a run); a new or changed one is consented now."""
    return old.consented_at if old is not None and old.value == value else now


@transaction.atomic
def enrolment_withdraw(*, actor: User, enrolment: Enrolment) -> Enrolment:
    if enrolment.person.user_id != actor.pk:
        raise PermissionDeniedError("You can only withdraw your own enrolment.")
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        return enrolment
    if enrolment.program.status not in (S.ENROLLING, S.MATCHING):
        raise ApplicationError(
            "The program has started; to stop, end your relationship from its page instead."
        )
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.withdrawn_at = timezone.now()
    enrolment.save(update_fields=["status", "withdrawn_at"])
    had_background = PrivateAnswer.objects.filter(
        enrolment=enrolment, question__kind=QuestionKind.BACKGROUND
    ).exists()
    PrivateAnswer.objects.filter(enrolment=enrolment).delete()
    if had_background:
        background_withdrawn.send(sender=Enrolment, program=enrolment.program)
    _count_day(enrolment.program, withdrawals=1)
    log_action(
        "enrolment.withdrawn", actor=actor, target=enrolment, data={"program": enrolment.program_id}
    )
    return enrolment


@transaction.atomic
def enrolment_leave(*, program: Program, person_id: int, at: datetime) -> bool:
    """A participant leaves a running program from a message (the ghost rule's "leave"):
    unlike ``enrolment_withdraw`` this works after the program has started."""
    enrolment = Enrolment.objects.filter(
        program=program, person_id=person_id, status=EnrolmentStatus.ACTIVE
    ).first()
    if enrolment is None:
        return False
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.withdrawn_at = at
    enrolment.save(update_fields=["status", "withdrawn_at"])
    _count_day(program, withdrawals=1)
    log_action("enrolment.left", actor=None, target=enrolment, data={"program": program.pk})
    return True


@transaction.atomic
def opt_out(*, actor: User, program: Program) -> None:
    """ "Not interested": no more invitation reminders for this program."""
    person = Person.objects.filter(user=actor).first()
    if person is None:
        return
    OptOut.objects.get_or_create(program=program, person=person)


@transaction.atomic
def enrol_new_hires(*, program: Program, today: date) -> list[Enrolment]:
    """Onboarding buddies: new hires join automatically as they arrive from the HR import."""
    if program.kind != ProgramKind.ONBOARDING_BUDDY or not program.hired_within_days:
        return []
    since = today - timedelta(days=program.hired_within_days)
    new = eligible_people(program).filter(hire_date__gte=since).exclude(enrolments__program=program)
    now = timezone.now()
    created = Enrolment.objects.bulk_create(
        [
            Enrolment(
                program=program,
                person=person,
                role=EnrolmentRole.NEW_HIRE,
                capacity=1,
                accepted_guidelines_at=now,
                created_at=now,
                updated_at=now,
            )
            for person in new
        ]
    )
    if created:
        log_action(
            "enrolment.new_hires_enrolled", actor=None, target=program, data={"count": len(created)}
        )
    return created


def enrolments_mark_matched(*, program: Program, person_ids: Iterable[int], at: datetime) -> int:
    """Record when each person was first matched (kept for the time-to-match KPI)."""
    return Enrolment.objects.filter(
        program=program, person_id__in=list(person_ids), first_matched_at=None
    ).update(first_matched_at=at)

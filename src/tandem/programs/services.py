"""Program use cases: create, edit, duplicate, move through the lifecycle, shape the
questionnaire, enrol and withdraw, invite and remind. One transaction per use case."""

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
from tandem.people.models import Person, PersonStatus, Skill
from tandem.programs.emails import enrolment_confirmed_email, program_mailing_email
from tandem.programs.models import (
    PRIVATE_KINDS,
    Answer,
    Enrolment,
    EnrolmentRole,
    EnrolmentStatus,
    OptOut,
    PrivateAnswer,
    Program,
    ProgramKind,
    ProgramStatus,
    Question,
    QuestionKind,
    ReminderSent,
    SignupDay,
)
from tandem.programs.questionnaire import standard_questions
from tandem.programs.selectors import (
    can_coordinate,
    eligibility_problem,
    eligible_people,
    role_for,
)
from tandem.programs.signals import program_closed

S = ProgramStatus
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.DRAFT: (S.ENROLLING, S.CLOSED),
    S.ENROLLING: (S.MATCHING, S.CLOSED),
    S.MATCHING: (S.ENROLLING, S.ACTIVE, S.CLOSED),
    S.ACTIVE: (S.CLOSED,),
    S.CLOSED: (),
}
ACTION_LABELS: dict[str, str] = {
    S.ENROLLING: "Open enrolment",
    S.MATCHING: "Close enrolment and start matching",
    S.ACTIVE: "Start the program",
    S.CLOSED: "Close the program",
}


def _require_coordinator(actor: User, program: Program) -> None:
    if not can_coordinate(actor, program):
        raise PermissionDeniedError("Only this program's coordinators can do that.")


# --- programs ----------------------------------------------------------------------------------


@transaction.atomic
def program_create(*, actor: User, name: str, kind: str, **fields: Any) -> Program:
    if not actor.is_coordinator:
        raise PermissionDeniedError("Only coordinators and admins can create programs.")
    departments = fields.pop("eligible_departments", None)
    program = Program(name=name.strip(), kind=kind, created_by=actor, **fields)
    _validate(program)
    program.save()
    if departments is not None:
        program.eligible_departments.set(departments)
    program.coordinators.add(actor)
    questionnaire_reset(program)
    log_action("program.created", actor=actor, target=program, data={"kind": kind})
    return program


def _validate(program: Program) -> None:
    errors = []
    if not program.name:
        errors.append(FieldError("Give the program a name.", field="name"))
    if program.kind not in ProgramKind.values:
        errors.append(FieldError("Choose what kind of program this is.", field="kind"))
    if (
        program.enrolment_opens_on
        and program.enrolment_closes_on
        and program.enrolment_closes_on < program.enrolment_opens_on
    ):
        errors.append(
            FieldError("Enrolment must close after it opens.", field="enrolment_closes_on")
        )
    if program.partners_per_person > program.capacity_cap:
        errors.append(
            FieldError(
                f"Cannot be more than the cap of {program.capacity_cap}.",
                field="partners_per_person",
            )
        )
    if any(not isinstance(d, int) or d < 1 for d in program.reminder_days or []):
        errors.append(
            FieldError(
                "Reminder days are whole days after opening, e.g. 7, 14.", field="reminder_days"
            )
        )
    if errors:
        raise ApplicationError("Some settings need attention.", errors=errors)


LOCKED_AFTER_OPENING = ("kind",)


@transaction.atomic
def program_update(*, actor: User, program: Program, **fields: Any) -> Program:
    _require_coordinator(actor, program)
    if program.status == S.CLOSED:
        raise ApplicationError("A closed program can no longer be changed; duplicate it instead.")
    departments = fields.pop("eligible_departments", None)
    coordinators = fields.pop("coordinators", None)
    for key in LOCKED_AFTER_OPENING:
        if key in fields and fields[key] != getattr(program, key) and program.status != S.DRAFT:
            raise ApplicationError(
                "The kind of program cannot change once enrolment has opened.",
                errors=[FieldError("Locked once enrolment has opened.", field=key)],
            )
    changed = sorted(k for k, v in fields.items() if getattr(program, k) != v)
    for key, value in fields.items():
        setattr(program, key, value)
    _validate(program)
    program.save()
    if departments is not None:
        program.eligible_departments.set(departments)
    if coordinators is not None:
        coordinators = list(coordinators)
        if not coordinators:
            raise ApplicationError(
                "A program needs at least one coordinator.",
                errors=[FieldError("Keep at least one coordinator.", field="coordinators")],
            )
        if any(not c.is_coordinator for c in coordinators):
            raise ApplicationError(
                "Only people with the coordinator or admin role can coordinate a program.",
                errors=[FieldError("Not a coordinator.", field="coordinators")],
            )
        program.coordinators.set(coordinators)
        changed.append("coordinators")
    log_action("program.updated", actor=actor, target=program, data={"fields": changed})
    return program


@transaction.atomic
def program_duplicate(*, actor: User, program: Program) -> Program:
    """A new draft with the same settings and questionnaire, ready for the next cohort."""
    _require_coordinator(actor, program)
    source_pk = program.pk
    departments = list(program.eligible_departments.all())
    copy = Program.objects.get(pk=source_pk)
    copy.pk = None
    copy.name = f"{program.name} (copy)"
    copy.status = S.DRAFT
    copy.created_by, copy.created_at = actor, timezone.now()
    copy.opened_at = copy.closed_at = None
    copy.enrolment_opens_on = copy.enrolment_closes_on = None
    copy.save()
    copy.eligible_departments.set(departments)
    copy.coordinators.set({*program.coordinators.all(), actor})
    mapping: dict[int, Question] = {}
    for question in Question.objects.filter(program_id=source_pk).order_by("position", "id"):
        old_pk, show_if_id = question.pk, question.show_if_id
        question.pk, question.program = None, copy
        question.show_if = mapping.get(show_if_id) if show_if_id else None
        question.save()
        mapping[old_pk] = question
    log_action("program.duplicated", actor=actor, target=copy, data={"from": source_pk})
    return copy


def allowed_transitions(program: Program) -> tuple[str, ...]:
    return TRANSITIONS[program.status]


@transaction.atomic
def program_transition(
    *, actor: User | None, program: Program, to: str, today: date | None = None
) -> Program:
    """Move a program to its next stage, or explain why it cannot go there."""
    if actor is not None:
        _require_coordinator(actor, program)
    program = Program.objects.select_for_update().get(pk=program.pk)
    today = today or timezone.localdate()
    if to not in S.values:
        raise ApplicationError(f"“{to}” is not a program stage.")
    if to not in TRANSITIONS[program.status]:
        raise ApplicationError(_transition_refusal(program.status, to))
    if to == S.ENROLLING:
        _check_can_open(program, today)
        program.opened_at = program.opened_at or timezone.now()
        if not program.enrolment_opens_on or program.enrolment_opens_on > today:
            program.enrolment_opens_on = today
    elif to == S.MATCHING:
        if program.enrolments.filter(status=EnrolmentStatus.ACTIVE).count() < 2:
            raise ApplicationError("Matching needs at least two enrolled people.")
    elif to == S.CLOSED:
        program.closed_at = timezone.now()
    previous = program.status
    program.status = to
    program.save()
    log_action(
        "program.status_changed", actor=actor, target=program, data={"from": previous, "to": to}
    )
    if to == S.ENROLLING and previous == S.DRAFT:
        send_invitations(program=program)
    if to == S.CLOSED:
        program_closed.send(sender=Program, program=program, actor=actor)
    return program


def _transition_refusal(current: str, target: str) -> str:
    labels = dict(S.choices)
    options = TRANSITIONS[current]
    if not options:
        return f"The program is {labels[current].lower()}; it cannot change stage any more."
    allowed = " or ".join(labels[o].lower() for o in options)
    return (
        f"A program that is {labels[current].lower()} cannot become {labels[target].lower()}; "
        f"from here it can only become {allowed}."
    )


def _check_can_open(program: Program, today: date) -> None:
    errors = []
    if not program.questions.exists():
        errors.append(
            FieldError("Add at least one question to the questionnaire.", field="questions")
        )
    if not program.enrolment_closes_on:
        errors.append(FieldError("Set the date enrolment closes.", field="enrolment_closes_on"))
    elif program.enrolment_closes_on < today:
        errors.append(FieldError("The closing date is in the past.", field="enrolment_closes_on"))
    if not (program.code_of_conduct.strip() and program.confidentiality.strip()):
        errors.append(
            FieldError(
                "Write the code of conduct and the confidentiality statement; "
                "people accept them when they enrol.",
                field="code_of_conduct",
            )
        )
    if errors:
        raise ApplicationError("Enrolment cannot open yet.", errors=errors)


# --- questionnaire -----------------------------------------------------------------------------


def _require_editable_questionnaire(program: Program) -> None:
    if program.status != S.DRAFT:
        raise ApplicationError(
            "Questions are locked once enrolment opens, so everyone answers the same "
            "questionnaire. Duplicate the program to change them for a new cohort."
        )


def questionnaire_reset(program: Program) -> None:
    """Replace the questions with the standard questionnaire for the program's kind."""
    program.questions.all().delete()
    by_key: dict[str, Question] = {}
    for position, standard in enumerate(standard_questions(program.kind)):
        question = Question.objects.create(
            program=program,
            position=position,
            kind=standard.kind,
            key=standard.key,
            label=standard.label,
            required=standard.required,
            help_text=standard.help_text,
            choices=list(standard.choices),
            show_if=by_key.get(standard.show_if_key),
            show_if_values=list(standard.show_if_values),
        )
        by_key[standard.key] = question


@transaction.atomic
def question_save(
    *, actor: User, program: Program, question: Question | None = None, **fields: Any
) -> Question:
    _require_coordinator(actor, program)
    _require_editable_questionnaire(program)
    if question is None:
        question = Question(program=program, position=program.questions.count())
    for key, value in fields.items():
        setattr(question, key, value)
    errors = []
    if not question.label.strip():
        errors.append(FieldError("Write the question.", field="label"))
    if (
        question.kind in (QuestionKind.CHOICE, QuestionKind.MULTI_CHOICE, QuestionKind.BACKGROUND)
        and len(question.choices) < 2
    ):
        errors.append(FieldError("Give at least two choices, one per line.", field="choices"))
    if not question.key:
        question.key = question.kind
    clash = program.questions.filter(key=question.key).exclude(pk=question.pk).exists()
    if clash:
        errors.append(FieldError(f"Another question already fills “{question.key}”.", field="key"))
    source = question.show_if
    if source is not None and (source.pk == question.pk or source.program_id != program.pk):
        errors.append(FieldError("Choose another question of this program.", field="show_if"))
    if errors:
        raise ApplicationError("The question needs attention.", errors=errors)
    question.save()
    log_action("program.question_saved", actor=actor, target=program, data={"key": question.key})
    return question


@transaction.atomic
def question_delete(*, actor: User, question: Question) -> None:
    program = question.program
    _require_coordinator(actor, program)
    _require_editable_questionnaire(program)
    question.delete()
    log_action("program.question_deleted", actor=actor, target=program, data={"key": question.key})


@transaction.atomic
def question_move(*, actor: User, question: Question, offset: int) -> None:
    program = question.program
    _require_coordinator(actor, program)
    _require_editable_questionnaire(program)
    questions = list(program.questions.all())
    index = questions.index(question)
    target = max(0, min(len(questions) - 1, index + offset))
    questions.insert(target, questions.pop(index))
    for position, item in enumerate(questions):
        if item.position != position:
            Question.objects.filter(pk=item.pk).update(position=position)


@transaction.atomic
def skill_add(*, actor: User, name: str, category: str = "", synonyms: Iterable[str] = ()) -> Skill:
    if not actor.is_coordinator:
        raise PermissionDeniedError("Only coordinators and admins can add skills.")
    name = " ".join(name.split())
    if not name:
        raise ApplicationError(
            "Name the skill.", errors=[FieldError("Name the skill.", field="name")]
        )
    existing = Skill.objects.filter(name__iexact=name).first()
    if existing:
        raise ApplicationError(
            f"“{existing.name}” is already in the vocabulary.",
            errors=[FieldError("Already in the vocabulary.", field="name")],
        )
    skill = Skill.objects.create(
        name=name,
        category=category.strip(),
        synonyms=sorted({s.strip().lower() for s in synonyms if s.strip()}),
    )
    log_action("skill.added", actor=actor, target=skill)
    return skill


# --- enrolment ---------------------------------------------------------------------------------


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
    capacity = capacity or program.partners_per_person
    if not 1 <= capacity <= program.capacity_cap:
        raise ApplicationError(
            f"Choose between 1 and {program.capacity_cap} partners.",
            errors=[FieldError(f"At most {program.capacity_cap}.", field="capacity")],
        )
    now = timezone.now()
    enrolment = Enrolment.objects.filter(program=program, person=person).first()
    created = enrolment is None or enrolment.status == EnrolmentStatus.WITHDRAWN
    if enrolment is None:
        enrolment = Enrolment(program=program, person=person, created_at=now)
    enrolment.status = EnrolmentStatus.ACTIVE
    enrolment.withdrawn_at = None
    enrolment.role = role_for(program, person, role)
    enrolment.capacity = capacity
    enrolment.accepted_guidelines_at = now
    enrolment.updated_at = now
    enrolment.save()
    _store_answers(enrolment, answers, now)
    OptOut.objects.filter(program=program, person=person).delete()
    if created:
        _count_day(program, signups=1)
        enqueue([enrolment_confirmed_email(enrolment=enrolment, user=actor, at=now)])
    log_action(
        "enrolment.saved" if not created else "enrolment.created",
        actor=actor,
        target=enrolment,
        data={"program": program.pk},
    )
    return enrolment


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
    PrivateAnswer.objects.filter(enrolment=enrolment).delete()
    PrivateAnswer.objects.bulk_create(
        [
            PrivateAnswer(
                enrolment=enrolment,
                question=q,
                value=v,
                consented_at=now if q.kind == QuestionKind.BACKGROUND else None,
            )
            for q, v in private.items()
            if v not in (None, [])
        ]
    )


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
    PrivateAnswer.objects.filter(enrolment=enrolment).delete()
    _count_day(enrolment.program, withdrawals=1)
    log_action(
        "enrolment.withdrawn", actor=actor, target=enrolment, data={"program": enrolment.program_id}
    )
    return enrolment


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


# --- invitations and reminders -----------------------------------------------------------------


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


def close_ended_enrolments(*, today: date) -> list[Program]:
    """Programs whose enrolment window has passed move on to matching (if anyone enrolled)."""
    closed = []
    for program in Program.objects.filter(status=S.ENROLLING, enrolment_closes_on__lt=today):
        if program.enrolments.filter(status=EnrolmentStatus.ACTIVE).count() >= 2:
            closed.append(
                program_transition(actor=None, program=program, to=S.MATCHING, today=today)
            )
    return closed

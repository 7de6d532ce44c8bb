"""Survey use cases: create from a template, edit while not yet open, open (invite), remind,
close, and submit a response. One transaction per use case.

Submitting marks the participation row answered with a conditional UPDATE (one submission per
person, also under concurrency) and writes the response with no link back; a rollback undoes both.
Nothing about a submission goes to the audit log or the outbox: either would timestamp it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, FieldError, NotFound, PermissionDeniedError
from tandem.feedback import selectors
from tandem.feedback.catalog import (
    MAX_SKILLS,
    SKILL_AFTER_TEXT,
    SKILL_BEFORE_TEXT,
    SKILL_HELP,
    TEMPLATES,
    QuestionSpec,
    render,
)
from tandem.feedback.emails import survey_invitation_email, survey_reminder_email
from tandem.feedback.models import (
    Anchor,
    AttributedResponse,
    Hat,
    Measure,
    Participation,
    QuestionKind,
    Response,
    ResponseAnswer,
    Survey,
    SurveyQuestion,
    SurveyStatus,
    level_band,
)
from tandem.notify.outbox import enqueue
from tandem.people.models import Person, PersonStatus, Skill
from tandem.privacy import validate_threshold
from tandem.programs.models import Program
from tandem.programs.selectors import can_coordinate

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
# Fixed once a survey opens: everyone answered under the same promise.
FROZEN_ONCE_OPEN = ("anonymous", "k_scores", "k_comments", "breakdowns")
EDITABLE_WHILE_OPEN = ("title", "intro", "reminder_days")
SURVEY_FIELDS = (
    "title",
    "intro",
    "anonymous",
    "k_scores",
    "k_comments",
    "breakdowns",
    "anchor",
    "day_offset",
    "repeat_every_days",
    "open_days",
    "reminder_days",
)
MAX_TEXT = 4000
MAX_REMINDERS = 3


def _require_coordinator(actor: User | None, program: Program) -> None:
    if actor is not None and not can_coordinate(actor, program):
        raise PermissionDeniedError("Only this program's coordinators can do that.")


def _today(now: datetime | None = None) -> date:
    return timezone.localdate(now or timezone.now())


# --- surveys -----------------------------------------------------------------------------------


@transaction.atomic
def survey_from_template(*, actor: User | None, program: Program, kind: str) -> Survey:
    """A draft survey with the template's questions, worded for the program's kind.

    The end-of-program evaluation asks a before/after self-rating for each of the skills the
    program's people most wanted to grow (from their enrolment answers), and each person sees
    only the skills they named.
    """
    _require_coordinator(actor, program)
    template = TEMPLATES.get(kind)
    if template is None:
        raise ApplicationError(
            "Choose one of the survey templates.",
            errors=[FieldError("Unknown template.", field="kind")],
        )
    survey = Survey.objects.create(
        program=program,
        kind=template.kind,
        title=template.title,
        intro=template.intro,
        anchor=template.anchor,
        day_offset=template.day_offset_for(program),
        repeat_every_days=template.repeat_every_days,
        open_days=template.open_days,
        reminder_days=list(template.reminder_days),
        created_by=actor,
    )
    closed = [(spec, None) for spec in template.questions if spec.kind != QuestionKind.TEXT]
    texts = [(spec, None) for spec in template.questions if spec.kind == QuestionKind.TEXT]
    skills = _skill_specs(program) if template.skill_growth else []
    culture = [(spec, None) for spec in template.culture]
    SurveyQuestion.objects.bulk_create(
        _question(survey, position, spec, skill, program)
        for position, (spec, skill) in enumerate([*closed, *skills, *culture, *texts])
    )
    log_action("survey.created", actor=actor, target=survey, data={"kind": kind})
    return survey


def _skill_specs(program: Program) -> list[tuple[QuestionSpec, Skill | None]]:
    wanted = selectors.popular_wanted_skills(program, MAX_SKILLS)
    skills = Skill.objects.in_bulk(wanted)
    specs: list[tuple[QuestionSpec, Skill | None]] = []
    for skill in (skills[pk] for pk in wanted if pk in skills):
        for text, measure in (
            (SKILL_BEFORE_TEXT, Measure.SKILL_BEFORE),
            (SKILL_AFTER_TEXT, Measure.SKILL_AFTER),
        ):
            spec = QuestionSpec(
                QuestionKind.LIKERT,
                text.format(skill=skill.name),
                measure,
                help_text=SKILL_HELP.format(skill=skill.name),
            )
            specs.append((spec, skill))
    return specs


def _question(
    survey: Survey, position: int, spec: QuestionSpec, skill: Skill | None, program: Program
) -> SurveyQuestion:
    return SurveyQuestion(
        survey=survey,
        position=position,
        kind=spec.kind,
        text=render(spec.text, program),
        help_text=spec.help_text,
        choices=[render(choice, program) for choice in spec.choices],
        hat=spec.hat,
        measure=spec.measure,
        skill=skill,
        required=spec.required,
    )


@transaction.atomic
def survey_update(*, actor: User, survey: Survey, **fields: Any) -> Survey:
    """Change a survey's settings. Anonymity and thresholds are refused once it has opened."""
    _require_coordinator(actor, survey.program)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    unknown = sorted(set(fields) - set(SURVEY_FIELDS))
    if unknown:
        raise ApplicationError(f"Unknown settings: {', '.join(unknown)}.")
    changed = sorted(k for k, v in fields.items() if getattr(survey, k) != v)
    if not survey.is_editable:
        _refuse_locked(survey, changed)
    for key in changed:
        setattr(survey, key, fields[key])
    _validate(survey)
    survey.save()
    log_action("survey.updated", actor=actor, target=survey, data={"fields": changed})
    return survey


def _refuse_locked(survey: Survey, changed: list[str]) -> None:
    frozen = [key for key in changed if key in FROZEN_ONCE_OPEN]
    if frozen:
        raise ApplicationError(
            "Anonymity and the smallest group sizes are fixed once a survey opens, so everyone "
            "answers under the promise they were given.",
            errors=[FieldError("Fixed since the survey opened.", field=key) for key in frozen],
        )
    if survey.status == S.CLOSED and changed:
        raise ApplicationError("A closed survey can no longer change.")
    other = [key for key in changed if key not in EDITABLE_WHILE_OPEN]
    if other:
        raise ApplicationError(
            "While a survey is open only its title, introduction and reminders can change.",
            errors=[FieldError("Fixed while the survey is open.", field=key) for key in other],
        )


def _validate(survey: Survey) -> None:
    errors = []
    survey.title = survey.title.strip()
    if not survey.title:
        errors.append(FieldError("Give the survey a title.", field="title"))
    for key, kind in (("k_scores", "score"), ("k_comments", "comment")):
        try:
            validate_threshold(getattr(survey, key), kind)
        except ValueError as exc:
            errors.append(FieldError(str(exc), field=key))
    if not errors and survey.k_comments < survey.k_scores:
        errors.append(
            FieldError(
                "Comments need at least as many people as scores: written words identify "
                "people more easily than numbers.",
                field="k_comments",
            )
        )
    if not 1 <= survey.open_days <= 90:
        errors.append(FieldError("Keep a survey open for 1 to 90 days.", field="open_days"))
    days = survey.reminder_days or []
    if (
        not isinstance(days, list)
        or len(days) > MAX_REMINDERS
        or any(not isinstance(d, int) or isinstance(d, bool) for d in days)
        or any(not 1 <= d < survey.open_days for d in days)
    ):
        errors.append(
            FieldError(
                f"Up to {MAX_REMINDERS} reminder days, each after opening and before the survey "
                f"closes (1 to {survey.open_days - 1}).",
                field="reminder_days",
            )
        )
    survey.reminder_days = sorted(set(days)) if isinstance(days, list) else days
    if survey.repeat_every_days is not None and not 7 <= survey.repeat_every_days <= 365:
        errors.append(
            FieldError("Repeat every 7 to 365 days, or not at all.", field="repeat_every_days")
        )
    if survey.repeat_every_days is not None and survey.repeat_every_days <= survey.open_days:
        errors.append(
            FieldError(
                "A wave must close before the next one opens: repeat after more days than it "
                "stays open.",
                field="repeat_every_days",
            )
        )
    if survey.day_offset is not None and not -365 <= survey.day_offset <= 1095:
        errors.append(FieldError("Between −365 and 1095 days.", field="day_offset"))
    if errors:
        raise ApplicationError("Some settings need attention.", errors=errors)


def allowed_transitions(survey: Survey) -> tuple[str, ...]:
    return TRANSITIONS[survey.status]


@transaction.atomic
def survey_transition(
    *, actor: User | None, survey: Survey, to: str, now: datetime | None = None
) -> Survey:
    """Schedule, unschedule, open now or close a survey (or explain why not)."""
    _require_coordinator(actor, survey.program)
    survey = Survey.objects.select_for_update().select_related("program").get(pk=survey.pk)
    if to not in TRANSITIONS[survey.status]:
        labels = dict(S.choices)
        raise ApplicationError(
            f"A survey that is {labels[survey.status].lower()} cannot become "
            f"{labels.get(to, to).lower()}."
        )
    now = now or timezone.now()
    if to == S.SCHEDULED:
        _check_ready(survey)
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
        _open(survey, now=now, actor=actor)
    else:
        survey.status, survey.closed_at = S.CLOSED, now
        survey.save(update_fields=["status", "closed_at"])
        log_action("survey.closed", actor=actor, target=survey, data=_rate(survey))
    return survey


def _rate(survey: Survey) -> dict[str, int]:
    rate = selectors.response_rate(survey)
    return {"invited": rate.invited, "responded": rate.responded}


def _check_ready(survey: Survey) -> None:
    if not survey.questions.exists():
        raise ApplicationError("Add at least one question first.")
    _validate(survey)


def _open(survey: Survey, *, now: datetime, actor: User | None) -> None:
    """Open a locked survey: freeze its rules, invite everyone in a started match, schedule the
    next wave of a recurring survey."""
    _check_ready(survey)
    people = list(selectors.invitees(survey.program).select_related("user"))
    if not people:
        raise ApplicationError("Nobody to ask yet: surveys go to people whose match has started.")
    survey.status, survey.opens_at = S.OPEN, now
    survey.closes_at = now + timedelta(days=survey.open_days)
    survey.save(update_fields=["status", "opens_at", "closes_at"])
    invited = _invite(survey, people, today=_today(now))
    _schedule_next_wave(survey)
    log_action("survey.opened", actor=actor, target=survey, data={"invited": invited})


def _invite(survey: Survey, people: Iterable[Person], *, today: date) -> int:
    """Invite the people not invited yet; late joiners skip the reminders already sent."""
    already = set(survey.participations.values_list("person_id", flat=True))
    new = [p for p in people if p.pk not in already]
    opened_on = timezone.localdate(survey.opens_at) if survey.opens_at else today
    reminders_due = _reminders_due(survey, opened_on, today)
    Participation.objects.bulk_create(
        [
            Participation(survey=survey, person=p, invited_on=today, reminders_sent=reminders_due)
            for p in new
        ],
        ignore_conflicts=True,
    )
    enqueue(survey_invitation_email(survey=survey, person=p) for p in new)
    return len(new)


def _reminders_due(survey: Survey, opened_on: date, today: date) -> int:
    return sum(1 for day in survey.reminder_days or [] if opened_on + timedelta(days=day) <= today)


def _schedule_next_wave(survey: Survey) -> Survey | None:
    """A recurring survey's next wave, scheduled ``repeat_every_days`` after this one, while
    that is before the program's planned end. Idempotent (one wave number per series)."""
    if not survey.repeat_every_days or survey.anchor != Anchor.START:
        return None
    start = selectors.program_start(survey.program)
    if start is None:
        return None
    offset = survey.day_offset if survey.day_offset is not None else (_today() - start).days
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


# --- questions ---------------------------------------------------------------------------------


def _require_editable(survey: Survey) -> None:
    if not survey.is_editable:
        raise ApplicationError(
            "Questions are fixed once a survey opens, so everyone answers the same ones."
        )


QUESTION_FIELDS = ("kind", "text", "help_text", "choices", "hat", "measure", "required")


@transaction.atomic
def question_save(
    *, actor: User, survey: Survey, question: SurveyQuestion | None = None, **fields: Any
) -> SurveyQuestion:
    _require_coordinator(actor, survey.program)
    _require_editable(survey)
    if question is None:
        question = SurveyQuestion(survey=survey, position=survey.questions.count())
    for key, value in fields.items():
        if key not in QUESTION_FIELDS:
            raise ApplicationError(f"Unknown question setting: {key}.")
        setattr(question, key, value)
    question.text = (question.text or "").strip()
    question.choices = _clean_choices(question.choices)
    errors = []
    if not question.text:
        errors.append(FieldError("Write the question.", field="text"))
    if question.kind not in QuestionKind.values:
        errors.append(FieldError("Choose what kind of question this is.", field="kind"))
    if question.hat not in Hat.values:
        errors.append(FieldError("Choose who is asked.", field="hat"))
    if question.measure not in Measure.values:
        errors.append(FieldError("Unknown measure.", field="measure"))
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTI):
        if len(question.choices) < 2:
            errors.append(FieldError("Give at least two choices, one per line.", field="choices"))
    else:
        question.choices = []
    if errors:
        raise ApplicationError("The question needs attention.", errors=errors)
    question.save()
    log_action("survey.question_saved", actor=actor, target=survey, data={"question": question.pk})
    return question


def _clean_choices(choices: Any) -> list[str]:
    if isinstance(choices, str):
        choices = choices.splitlines()
    seen: dict[str, None] = {}
    for choice in choices or []:
        text = " ".join(str(choice).split())
        if text:
            seen.setdefault(text[:200], None)
    return list(seen)


@transaction.atomic
def question_delete(*, actor: User, question: SurveyQuestion) -> None:
    survey = question.survey
    _require_coordinator(actor, survey.program)
    _require_editable(survey)
    pk = question.pk
    question.delete()
    log_action("survey.question_deleted", actor=actor, target=survey, data={"question": pk})


@transaction.atomic
def question_move(*, actor: User, question: SurveyQuestion, offset: int) -> None:
    survey = question.survey
    _require_coordinator(actor, survey.program)
    _require_editable(survey)
    questions = list(survey.questions.all())
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    target = max(0, min(len(questions) - 1, index + offset))
    questions.insert(target, questions.pop(index))
    for position, item in enumerate(questions):
        if item.position != position:
            SurveyQuestion.objects.filter(pk=item.pk).update(position=position)


# --- answering ---------------------------------------------------------------------------------


def _groups(survey: Survey, person: Person) -> dict[str, str]:
    """The coarse groups copied onto a response, for suppressed breakdowns only."""
    if not survey.breakdowns:
        return {"department": "", "level_band": "", "role": ""}
    return {
        "department": person.department.name if person.department else "",
        "level_band": level_band(person.level),
        "role": selectors.respondent_role(survey.program, person),
    }


@transaction.atomic
def response_submit(
    *, actor: User, survey: Survey, answers: Mapping[int, Any], today: date | None = None
) -> None:
    """Record the signed-in person's answers, once.

    ``answers`` maps question ids to a number (Likert 1–5, NPS 0–10), a choice, a list of
    choices, or text. Questions the person is not asked are ignored. Returns nothing: the caller
    has no use for the response's id, and an anonymous one must not travel further.
    """
    person = Person.objects.filter(user=actor, status=PersonStatus.ACTIVE).first()
    survey = Survey.objects.select_related("program").get(pk=survey.pk)
    participation = (
        Participation.objects.filter(survey=survey, person=person).first() if person else None
    )
    if person is None or participation is None:
        raise NotFound()
    if survey.status != S.OPEN:
        raise ApplicationError("This survey is closed; answers can no longer be sent.")
    if participation.responded_on is not None:
        raise _already_answered()
    cleaned = clean_answers(selectors.questions_for(survey, person), answers)
    today = today or _today()
    claimed = Participation.objects.filter(pk=participation.pk, responded_on__isnull=True).update(
        responded_on=today
    )
    if not claimed:  # a second submission raced this one and won
        raise _already_answered()
    response = Response.objects.create(
        survey=survey, submitted_on=None if survey.anonymous else today, **_groups(survey, person)
    )
    ResponseAnswer.objects.bulk_create(
        [
            ResponseAnswer(response=response, question=q, number=n, choices=c, text=t)
            for q, n, c, t in cleaned
        ]
    )
    if not survey.anonymous:
        AttributedResponse.objects.create(response=response, person=person)


def _already_answered() -> ApplicationError:
    return ApplicationError("You have already answered this survey. Thank you!", status=409)


Cleaned = tuple[SurveyQuestion, int | None, list[str], str]


def clean_answers(questions: list[SurveyQuestion], answers: Mapping[int, Any]) -> list[Cleaned]:
    """Check every answer against its question; every problem is reported at once."""
    cleaned: list[Cleaned] = []
    errors: list[FieldError] = []
    for question in questions:
        raw = answers.get(question.pk)
        try:
            value = _clean_one(question, raw)
        except ValueError as exc:
            errors.append(FieldError(str(exc), field=f"q{question.pk}"))
            continue
        if value is None:
            if question.required:
                errors.append(FieldError("Please answer this question.", field=f"q{question.pk}"))
            continue
        cleaned.append((question, *value))
    if errors:
        raise ApplicationError("Some answers need attention.", errors=errors)
    return cleaned


def _clean_one(question: SurveyQuestion, raw: Any) -> tuple[int | None, list[str], str] | None:
    if raw in (None, "", []):
        return None
    kind = question.kind
    if kind in (QuestionKind.LIKERT, QuestionKind.NPS):
        low, high = (1, 5) if kind == QuestionKind.LIKERT else (0, 10)
        try:
            number = int(str(raw))
        except ValueError:
            number = -1
        if isinstance(raw, bool) or not low <= number <= high:
            raise ValueError(f"Choose a whole number from {low} to {high}.")
        return number, [], ""
    if kind == QuestionKind.SINGLE:
        if raw not in question.choices:
            raise ValueError("Choose one of the options.")
        return None, [str(raw)], ""
    if kind == QuestionKind.MULTI:
        chosen = [raw] if isinstance(raw, str) else list(raw)
        if any(c not in question.choices for c in chosen):
            raise ValueError("Choose from the options given.")
        return None, [c for c in question.choices if c in chosen], ""
    text = str(raw).strip()
    if len(text) > MAX_TEXT:
        raise ValueError(f"Keep it under {MAX_TEXT} characters.")
    return (None, [], text) if text else None


# --- the periodic job --------------------------------------------------------------------------


def open_due_surveys(*, now: datetime) -> int:
    """Open every scheduled survey whose day has come; each in its own transaction."""
    opened = 0
    today = _today(now)
    for survey in Survey.objects.filter(status=S.SCHEDULED).select_related("program"):
        due = selectors.due_on(survey)
        if due is None or due > today:
            continue
        try:
            with transaction.atomic():
                locked = Survey.objects.select_for_update().get(pk=survey.pk)
                if locked.status != S.SCHEDULED:  # another runner got there first
                    continue
                _open(locked, now=now, actor=None)
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
    return _invite(survey, selectors.invitees(survey.program).select_related("user"), today=today)


@transaction.atomic
def send_reminders(*, survey: Survey, today: date) -> int:
    """Remind the people who have not answered, once per reminder day that has come (at most
    one email per run, however late the job is). Running it again sends nothing more."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != S.OPEN or survey.opens_at is None:
        return 0
    due = _reminders_due(survey, timezone.localdate(survey.opens_at), today)
    if not due:
        return 0
    pending = list(
        Participation.objects.select_for_update()
        .filter(survey=survey, responded_on__isnull=True, reminders_sent__lt=due)
        .select_related("person__user")
    )
    Participation.objects.filter(
        pk__in=[p.pk for p in pending], responded_on__isnull=True, reminders_sent__lt=due
    ).update(reminders_sent=due, last_reminded_on=today)
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
                log_action("survey.closed", target=survey, data=_rate(survey))
                closed += updated
    return closed


def run_schedule(*, now: datetime) -> dict[str, int]:
    """Everything the periodic job does, in order; each step is safe to run twice."""
    today = _today(now)
    result = {"opened": open_due_surveys(now=now), "invited": 0, "reminded": 0}
    for survey in Survey.objects.filter(status=S.OPEN, closes_at__gt=now):
        result["invited"] += invite_late_joiners(survey=survey, today=today)
        result["reminded"] += send_reminders(survey=survey, today=today)
    result["closed"] = close_due_surveys(now=now)
    return result

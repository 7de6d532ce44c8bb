"""Creating a survey from a template and changing its settings; what is frozen once it opens."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, FieldError
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
from tandem.feedback.models import (
    Measure,
    QuestionKind,
    Survey,
    SurveyQuestion,
)
from tandem.feedback.models import SurveyStatus as S
from tandem.feedback.services.common import MAX_REMINDERS, require_coordinator
from tandem.people.models import Skill
from tandem.privacy import validate_site_threshold
from tandem.programs.models import Program

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


@transaction.atomic
def survey_from_template(*, actor: User | None, program: Program, kind: str) -> Survey:
    """A draft survey with the template's questions, worded for the program's kind.

    The end-of-program evaluation asks a before/after self-rating for each of the skills the
    program's people most wanted to grow (from their enrolment answers), and each person sees
    only the skills they named.
    """
    require_coordinator(actor, program)
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
    require_coordinator(actor, survey.program)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    unknown = sorted(set(fields) - set(SURVEY_FIELDS))
    if unknown:
        raise ApplicationError(f"Unknown settings: {', '.join(unknown)}.")
    changed = sorted(k for k, v in fields.items() if getattr(survey, k) != v)
    if not survey.is_editable:
        _refuse_locked(survey, changed)
    for key in changed:
        setattr(survey, key, fields[key])
    validate_survey(survey)
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


def site_floors() -> dict[str, int]:
    """The site's anonymity floors (settings may raise 5 and 10, never lower them)."""
    return {"score": settings.TANDEM_MIN_K_SCORES, "comment": settings.TANDEM_MIN_K_COMMENTS}


def validate_survey(survey: Survey) -> None:
    errors = []
    survey.title = survey.title.strip()
    if not survey.title:
        errors.append(FieldError("Give the survey a title.", field="title"))
    for key, kind in (("k_scores", "score"), ("k_comments", "comment")):
        try:
            validate_site_threshold(getattr(survey, key), kind, site_floors())
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

"""Reads for surveys, with the access rules.

Coordinators of a survey's program (and admins) see its settings, response rates and suppressed
results; participants see only the surveys they were invited to, and only their own form. Foreign
ids raise ``NotFound`` (404), exactly like missing ones.

The program timeline: a program *starts* on the day its first match started (the earliest
``Relationship.activated_at``), and is planned to *end* ``duration_months`` later, or on the day
it was closed if that came first. Surveys are scheduled relative to those two dates.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Min, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import NotFound
from tandem.feedback import results
from tandem.feedback.models import (
    Anchor,
    Hat,
    Participation,
    Survey,
    SurveyQuestion,
    SurveyStatus,
    level_band,
)
from tandem.people.models import Person, PersonStatus
from tandem.privacy import ABSENT, Recoding
from tandem.programs.models import Answer, Enrolment, EnrolmentRole, EnrolmentStatus, Program
from tandem.programs.selectors import (
    access_program_as_coordinator,
    can_coordinate,
    coordinated_programs,
)
from tandem.relationships.models import Membership, Relationship, RelationshipStatus

MENTOR_ROLES = frozenset({EnrolmentRole.MENTOR, EnrolmentRole.BUDDY})
MENTEE_ROLES = frozenset({EnrolmentRole.MENTEE, EnrolmentRole.NEW_HIRE})


# --- access ------------------------------------------------------------------------------------


def access_survey_as_coordinator(*, user: User, survey_id: int) -> Survey:
    survey = Survey.objects.select_related("program").filter(pk=survey_id).first()
    if survey is None or not can_coordinate(user, survey.program):
        raise NotFound()
    return survey


def access_survey_question(
    *, user: User, survey_id: int, question_id: int
) -> tuple[Survey, SurveyQuestion]:
    """A question of a survey the user coordinates; anything else answers 404."""
    survey = access_survey_as_coordinator(user=user, survey_id=survey_id)
    question = survey.questions.filter(pk=question_id).first()
    if question is None:
        raise NotFound()
    return survey, question


def programs_with_survey_counts(user: User) -> QuerySet[Program]:
    """The programs the user coordinates, each with how many surveys it has."""
    return coordinated_programs(user).annotate(survey_count=Count("surveys", distinct=True))


def access_survey_as_respondent(*, user: User, survey_id: int) -> tuple[Survey, Participation]:
    """A survey the user was invited to (open or closed), with their participation row."""
    participation = (
        Participation.objects.select_related("survey__program", "person__department")
        .filter(survey_id=survey_id, person__user=user)
        .exclude(survey__status__in=[SurveyStatus.DRAFT, SurveyStatus.SCHEDULED])
        .first()
    )
    if participation is None:
        raise NotFound()
    return participation.survey, participation


def can_see_surveys(user: User, program: Program) -> bool:
    return can_coordinate(user, program)


# --- the program timeline ----------------------------------------------------------------------


def program_start(program: Program) -> date | None:
    """The day the program's first match started, or None before any has."""
    first = Relationship.objects.filter(program=program, activated_at__isnull=False).aggregate(
        first=Min("activated_at")
    )["first"]
    return timezone.localdate(first) if first else None


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def planned_end(program: Program, start: date | None = None) -> date | None:
    if program.closed_at is not None:
        return timezone.localdate(program.closed_at)
    start = start or program_start(program)
    return add_months(start, program.duration_months) if start else None


def due_on(survey: Survey, *, start: date | None = None, end: date | None = None) -> date | None:
    """The day a scheduled survey opens, or None while its anchor date is unknown."""
    if survey.day_offset is None:
        return None
    program = survey.program
    start = start or program_start(program)
    anchor = start if survey.anchor == Anchor.START else (end or planned_end(program, start))
    return anchor + timedelta(days=survey.day_offset) if anchor else None


# --- who is asked ------------------------------------------------------------------------------


def invitees(program: Program) -> QuerySet[Person]:
    """People in a started match of the program (live or ended, not declined), still here.

    Enrolled people who were never matched are not asked: the surveys are about the mentoring
    relationship, which they have not had.
    """
    started = Membership.objects.filter(
        relationship__program=program,
        relationship__status__in=[RelationshipStatus.ACTIVE, RelationshipStatus.ENDED],
        relationship__activated_at__isnull=False,
        declined_at__isnull=True,
    )
    return Person.objects.filter(
        pk__in=started.values("person_id"), status=PersonStatus.ACTIVE, user__is_active=True
    )


def respondent_role(program: Program, person: Person) -> str:
    """The person's role in the program (peer, mentor, mentee, buddy, new hire)."""
    enrolment = Enrolment.objects.filter(program=program, person=person).first()
    if enrolment is not None:
        return enrolment.role
    membership = (
        Membership.objects.filter(relationship__program=program, person=person)
        .order_by("-relationship__created_at")
        .first()
    )
    return membership.role if membership else EnrolmentRole.PEER


def wanted_skills(program: Program, person: Person) -> set[int]:
    """Skills the person said they wanted to grow when they enrolled in this program."""
    answer = Answer.objects.filter(
        enrolment__program=program, enrolment__person=person, question__key="skills_wanted"
    ).first()
    return {int(v) for v in (answer.value if answer else []) or [] if str(v).isdigit()}


def popular_wanted_skills(program: Program, limit: int) -> list[int]:
    """The skills most often wanted by the program's enrolled people, most wanted first."""
    counts: dict[int, int] = {}
    for value in Answer.objects.filter(
        enrolment__program=program,
        enrolment__status=EnrolmentStatus.ACTIVE,
        question__key="skills_wanted",
    ).values_list("value", flat=True):
        for skill_id in value or []:
            if str(skill_id).isdigit():
                counts[int(skill_id)] = counts.get(int(skill_id), 0) + 1
    return sorted(counts, key=lambda s: (-counts[s], s))[:limit]


def questions_for(survey: Survey, person: Person | None) -> list[SurveyQuestion]:
    """The questions this person is asked: hat questions by role in mentor/mentee programs,
    skill self-ratings only for skills they wanted to grow. ``None``: every question (preview)."""
    questions = list(survey.questions.select_related("skill"))
    if person is None:
        return questions
    role = respondent_role(survey.program, person)
    skills = wanted_skills(survey.program, person)
    return [q for q in questions if _asks(q, role, skills)]


def questions_for_surveys(surveys: list[Survey], person: Person) -> dict[int, list[SurveyQuestion]]:
    """``questions_for`` of several surveys at once, in four queries whatever their number
    (a participant's list of open surveys)."""
    program_ids = {s.program_id for s in surveys}
    roles: dict[int, str] = {}
    for program_id, role in (
        Membership.objects.filter(relationship__program_id__in=program_ids, person=person)
        .order_by("relationship__created_at")
        .values_list("relationship__program_id", "role")
    ):
        roles[program_id] = role  # the latest membership wins, as in respondent_role
    roles.update(
        Enrolment.objects.filter(program_id__in=program_ids, person=person).values_list(
            "program_id", "role"
        )
    )
    skills: dict[int, set[int]] = {}
    for program_id, value in Answer.objects.filter(
        enrolment__program_id__in=program_ids,
        enrolment__person=person,
        question__key="skills_wanted",
    ).values_list("enrolment__program_id", "value"):
        skills[program_id] = {int(v) for v in value or [] if str(v).isdigit()}
    by_survey: dict[int, list[SurveyQuestion]] = {s.pk: [] for s in surveys}
    program_of = {s.pk: s.program_id for s in surveys}
    for question in SurveyQuestion.objects.filter(survey__in=surveys).select_related("skill"):
        program_id = program_of[question.survey_id]
        role = roles.get(program_id, EnrolmentRole.PEER)
        if _asks(question, role, skills.get(program_id, set())):
            by_survey[question.survey_id].append(question)
    return by_survey


def _asks(question: SurveyQuestion, role: str, skills: set[int]) -> bool:
    if question.skill_id is not None and question.skill_id not in skills:
        return False
    if question.hat == Hat.MENTOR:
        return role not in MENTEE_ROLES
    if question.hat == Hat.MENTEE:
        return role not in MENTOR_ROLES
    return True


# --- lists and response rates ------------------------------------------------------------------


def program_surveys(program: Program) -> QuerySet[Survey]:
    """Every survey of a program with ``invited`` and ``responded`` counts, newest first."""
    answered = Q(participations__responded_on__isnull=False)
    return program.surveys.annotate(
        invited=Count("participations", distinct=True),
        responded=Count("participations", filter=answered, distinct=True),
        question_count=Count("questions", distinct=True),
    ).order_by("-created_at", "-id")


@dataclass(frozen=True)
class ResponseRate:
    invited: int
    responded: int

    @property
    def percent(self) -> int:
        return round(100 * self.responded / self.invited) if self.invited else 0


def response_rate(survey: Survey) -> ResponseRate:
    """Invited and answered counts (from the participation table). No count per day: lined up
    with released batches, days would narrow down who wrote which answers."""
    rows = survey.participations.aggregate(
        invited=Count("id"), responded=Count("id", filter=Q(responded_on__isnull=False))
    )
    return ResponseRate(rows["invited"], rows["responded"])


@dataclass(frozen=True)
class MySurvey:
    survey: Survey
    participation: Participation

    @property
    def answered(self) -> bool:
        return self.participation.responded_on is not None


def my_surveys(user: User) -> list[MySurvey]:
    """Open surveys the user was invited to (answered or not), soonest closing first."""
    rows = (
        Participation.objects.filter(person__user=user, survey__status=SurveyStatus.OPEN)
        .select_related("survey__program")
        .order_by("survey__closes_at", "survey_id")
    )
    return [MySurvey(p.survey, p) for p in rows]


# --- results (suppressed, audited) -------------------------------------------------------------


def invited_groups(survey: Survey) -> set[tuple[str, str, str]]:
    """The groups of the invited people, so groups nobody answered from look like hidden ones;
    coarsened as the responses were at close (none while the survey is open)."""
    if not survey.breakdowns or survey.status != SurveyStatus.CLOSED:
        return {ABSENT}
    recoding = Recoding.from_json(survey.recoding)
    people = Person.objects.filter(pk__in=survey.participations.values("person_id")).select_related(
        "department"
    )
    roles = dict(
        Enrolment.objects.filter(
            program=survey.program, person__in=survey.participations.values("person_id")
        ).values_list("person_id", "role")
    )
    return {
        recoding.apply(
            (
                p.department.name if p.department else "",
                level_band(p.level),
                roles.get(p.pk, EnrolmentRole.PEER),
            )
        )
        for p in people
    }


def survey_results(
    *,
    user: User,
    survey_id: int,
    breakdown: str | None = None,
    only: tuple[str, str] | None = None,
    request: HttpRequest | None = None,
    export_format: str | None = None,
) -> results.SurveyResults:
    """A survey's results as its coordinators may see them: every number through the survey's
    own thresholds. Each read — and each download, with ``export_format`` — is written to the
    audit log (here, so no caller can forget)."""
    survey = access_survey_as_coordinator(user=user, survey_id=survey_id)
    computed = results.compute(
        survey, breakdown=breakdown, only=only, invited_groups=invited_groups(survey)
    )
    data = {"breakdown": breakdown or "", "only": ":".join(only) if only else ""}
    if export_format:
        data["format"] = export_format
    log_action(
        "survey.results_exported" if export_format else "survey.results_viewed",
        actor=user,
        target=survey,
        request=request,
        data=data,
    )
    return computed


@dataclass(frozen=True)
class SurveyOutcome:
    """One survey (wave) of a program: its response rate and outcome measures."""

    survey: Survey
    rate: ResponseRate
    measures: tuple[results.MeasureResult, ...]

    def measure(self, name: str) -> results.MeasureResult | None:
        return next((m for m in self.measures if m.measure == name), None)


def program_outcomes(
    *,
    user: User,
    program_id: int,
    breakdown: str | None = None,
    only: tuple[str, str] | None = None,
    request: HttpRequest | None = None,
) -> list[SurveyOutcome]:
    """Every opened survey of a program, oldest first, with its outcome measures
    (satisfaction, program NPS, would-recommend-partner, culture, skill growth …), each
    suppressed with that survey's own ``k_scores``. Waves are never pooled: one person answers
    each wave once, so pooling would count people twice and could undercut the threshold."""
    program = access_program_as_coordinator(user=user, program_id=program_id)
    outcomes = []
    surveys = program.surveys.filter(status__in=[SurveyStatus.OPEN, SurveyStatus.CLOSED])
    for survey in surveys.order_by("opens_at", "pk"):
        if (breakdown or only) and (not survey.breakdowns or survey.status != SurveyStatus.CLOSED):
            continue  # no groups, or not yet: breakdowns are shown once a survey has closed
        computed = results.compute(
            survey, breakdown=breakdown, only=only, invited_groups=invited_groups(survey)
        )
        outcomes.append(SurveyOutcome(survey, response_rate(survey), computed.measures))
    log_action(
        "survey.outcomes_viewed",
        actor=user,
        target=program,
        request=request,
        data={"surveys": len(outcomes), "breakdown": breakdown or ""},
    )
    return outcomes


def group_values(survey: Survey) -> dict[str, list[str]]:
    """The values each breakdown dimension takes among the invited people (for filters)."""
    if not survey.breakdowns:
        return {}
    groups = invited_groups(survey)
    return {
        dimension: sorted({g[i] for g in groups if g[i]})
        for i, dimension in enumerate(("department", "level_band", "role"))
    }


HEADLINES: tuple[tuple[str, str], ...] = (
    ("program_nps", "Would recommend the program (net promoter score)"),
    ("partner_recommend", "Would recommend their partner as a peer mentor (net promoter score)"),
    ("satisfaction", "Satisfaction, mean of 1-5"),
    ("usefulness", "Conversations are useful, mean of 1-5"),
    ("culture", "Culture items (know more people, ask for help, share, belong), mean of 1-5"),
    ("skill_growth", "Self-rated skill growth, points on a 1-5 scale"),
)


@dataclass(frozen=True)
class ProgramSurveyKpis:
    """Headline survey numbers for a program's dashboard and report: for each measure, the
    latest opened survey in which it is shown (at least ``k_scores`` answers). Hidden ones are
    left out, never estimated."""

    program: Program
    outcomes: tuple[SurveyOutcome, ...]

    def lines(self) -> list[tuple[str, str]]:
        """``(label, value)`` pairs, e.g. ``("Would recommend the program … (Check-in, 21
        answers)", "+35")``."""
        found = []
        for measure, label in HEADLINES:
            for outcome in reversed(self.outcomes):  # newest first
                result = outcome.measure(measure)
                if result is None or not result.view.total.shown:
                    continue
                total = result.view.total
                where = f"{outcome.survey}, {total.n} answers"
                found.append((f"{label} ({where})", _headline_value(result, total.mean)))
                break
        if self.outcomes:
            latest = self.outcomes[-1]
            rate = latest.rate
            found.append(
                (
                    f"Answered the latest survey ({latest.survey}, "
                    f"{rate.responded} of {rate.invited} people)",
                    f"{rate.percent}%",
                )
            )
        return found

    def __bool__(self) -> bool:
        return bool(self.outcomes)


def _headline_value(result: results.MeasureResult, mean: float | None) -> str:
    if result.scale == "nps" and result.nps is not None:
        return f"{result.nps:+d}"
    if result.scale == "growth" and mean is not None:
        return f"{mean:+.1f}"
    return f"{mean:.1f}" if mean is not None else ""


def program_survey_kpis(program: Program, *, limit: int = 6) -> ProgramSurveyKpis:
    """The insights dashboard's survey panel. No access check and no audit entry here: the
    dashboard has checked that the viewer coordinates ``program`` and audits its own view.
    Everything shown is suppressed with each survey's own threshold, as on the results page."""
    surveys = program.surveys.filter(status__in=[SurveyStatus.OPEN, SurveyStatus.CLOSED])
    latest = list(surveys.order_by("-opens_at", "-pk")[:limit])
    outcomes = [
        SurveyOutcome(
            survey,
            response_rate(survey),
            results.compute(survey, invited_groups=invited_groups(survey)).measures,
        )
        for survey in reversed(latest)
    ]
    return ProgramSurveyKpis(program, tuple(outcomes))

"""What a results page shows: per question, per measure (satisfaction, NPS, skill growth …), and
the comments when enough people wrote one."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from statistics import fmean

from tandem.core.errors import ApplicationError, FieldError
from tandem.feedback.models import (
    Measure,
    QuestionKind,
    Survey,
    SurveyQuestion,
    SurveyStatus,
)
from tandem.feedback.results.loading import SurveyData, load
from tandem.feedback.results.numbers import OptionCount, nps_of, option_counts
from tandem.feedback.results.tables import (
    BREAKDOWNS,
    DIMENSIONS,
    Cell,
    Groups,
    Only,
    Record,
    View,
    group_label,
    publish_table,
    select_view,
)
from tandem.privacy import (
    Aggregate,
    Comment,
    PublishedComments,
    Withheld,
    publish_comments,
)


@dataclass(frozen=True)
class QuestionResult:
    question: SurveyQuestion
    view: View | None = None
    comments: PublishedComments | Withheld | None = None
    comments_note: str = ""

    @property
    def options(self) -> list[OptionCount]:
        aggregate = self.view.total.aggregate if self.view else None
        return option_counts(self.question, aggregate) if aggregate else []

    @property
    def is_text(self) -> bool:
        return self.question.kind == QuestionKind.TEXT

    @property
    def summary(self) -> str:
        aggregate = self.view.total.aggregate if self.view else None
        return summarise(self.question, aggregate) if aggregate else ""

    @property
    def group_rows(self) -> list[tuple[Cell, str]]:
        """Each breakdown group with a one-line summary (or nothing when it is hidden)."""
        groups = self.view.groups if self.view else ()
        return [(c, summarise(self.question, c.aggregate) if c.aggregate else "") for c in groups]


def summarise(question: SurveyQuestion, aggregate: Aggregate) -> str:
    """Mean for agreement scales, NPS for 0–10, the most common option for choices."""
    if question.kind == QuestionKind.LIKERT and aggregate.mean is not None:
        return f"mean {aggregate.mean:.1f} of 5"
    if question.kind == QuestionKind.NPS:
        score = nps_of(aggregate)
        return f"NPS {score:+d}" if score is not None else ""
    options = option_counts(question, aggregate)
    top = max(options, key=lambda o: o.count, default=None)
    return f"most chose “{top.label}” ({top.percent}%)" if top else ""


@dataclass(frozen=True)
class SkillGrowth:
    skill: str
    before: Cell
    after: Cell
    growth: View


@dataclass(frozen=True)
class MeasureResult:
    """One outcome measure of one survey (satisfaction, NPS, culture, skill growth …).

    ``view.total`` is an ``Aggregate`` over respondents (each respondent counts once: the mean
    of their answers to the measure's questions; a choice for choice measures; their mean
    self-rated growth for ``skill_growth``), or why it is hidden.
    """

    measure: str
    label: str
    scale: str  # "likert" (1–5), "nps" (0–10), "choice", "growth" (−4…+4)
    view: View

    @property
    def nps(self) -> int | None:
        return self.view.total.nps if self.scale == "nps" else None


@dataclass(frozen=True)
class SurveyResults:
    survey: Survey
    breakdown: str | None
    only: Only | None
    respondents: View
    questions: tuple[QuestionResult, ...]
    skills: tuple[SkillGrowth, ...]
    measures: tuple[MeasureResult, ...]

    @property
    def breakdown_label(self) -> str:
        return BREAKDOWNS.get(self.breakdown or "", "")

    @property
    def only_label(self) -> str:
        return group_label(*self.only) if self.only else ""


def check_selection(survey: Survey, breakdown: str | None, only: Only | None) -> None:
    errors = []
    if breakdown is not None and breakdown not in DIMENSIONS:
        errors.append(FieldError("Choose department, level_band or role.", field="breakdown"))
    if only is not None and only[0] not in DIMENSIONS:
        errors.append(FieldError("Filter on department, level_band or role.", field="only"))
    if only is not None and breakdown == only[0]:
        errors.append(FieldError("Filter on another dimension than the breakdown.", field="only"))
    if (breakdown or only) and survey.breakdowns and survey.status != SurveyStatus.CLOSED:
        errors.append(
            FieldError(
                "Breakdowns are shown once the survey has closed: until then a group's figures "
                "could change by one answer.",
                field="breakdown",
            )
        )
    if (breakdown or only) and not survey.breakdowns:
        errors.append(
            FieldError(
                "This survey does not record groups, so it has no breakdowns.", field="breakdown"
            )
        )
    if errors:
        raise ApplicationError("These results cannot be shown that way.", errors=errors)


def compute(
    survey: Survey,
    *,
    breakdown: str | None = None,
    only: Only | None = None,
    invited_groups: Iterable[Groups] = (),
) -> SurveyResults:
    check_selection(survey, breakdown, only)
    data = load(survey, invited_groups=invited_groups)
    k = survey.k_scores

    def view(records: Sequence[Record], counting: bool = False) -> View:
        published = publish_table(records, k, counting=counting, groups=data.groups)
        return select_view(published, breakdown=breakdown, only=only)

    def overall(records: Sequence[Record]) -> View:
        """Growth combines several questions' respondents: shown for everyone only."""
        published = publish_table(records, k, groups=data.groups)
        return select_view(published, breakdown=None, only=None)

    questions = []
    for question in data.questions:
        if question.kind == QuestionKind.TEXT:
            questions.append(_comments(survey, question, data.texts.get(question.pk, []), only))
        else:
            questions.append(QuestionResult(question, view(data.records.get(question.pk, []))))
    return SurveyResults(
        survey=survey,
        breakdown=breakdown,
        only=only,
        respondents=view(data.respondents, counting=True),
        questions=tuple(questions),
        skills=tuple(_skills(data, overall)),
        measures=tuple(_measures(data, view, overall)),
    )


def _comments(
    survey: Survey, question: SurveyQuestion, comments: list[Comment], only: Only | None
) -> QuestionResult:
    if only is not None:
        return QuestionResult(question, comments_note="Comments are shown for everyone only.")
    published = publish_comments(comments, survey.k_comments, seed=f"survey-{survey.pk}")
    return QuestionResult(question, comments=published)


def _per_respondent(
    records: Iterable[Record], combine: Callable[[list[Hashable]], Hashable]
) -> list[Record]:
    """One record per respondent, its value combined from that respondent's answers."""
    by_respondent: dict[str, list[Record]] = {}
    for record in records:
        by_respondent.setdefault(record.respondent, []).append(record)
    return [
        Record(rid, first.department, first.level_band, first.role, combine([r.value for r in rs]))
        for rid, rs in by_respondent.items()
        for first in rs[:1]
    ]


def _mean(values: list[Hashable]) -> Hashable:
    return round(fmean(float(v) for v in values if isinstance(v, int | float)), 4)


def _growth_records(before: list[Record], after: list[Record]) -> list[Record]:
    """After minus before, for each respondent who answered both."""
    earlier = {r.respondent: r.value for r in before}
    return [
        Record(r.respondent, r.department, r.level_band, r.role, r.value - earlier[r.respondent])  # type: ignore[operator]
        for r in after
        if r.respondent in earlier
    ]


def _skill_pairs(data: SurveyData) -> list[tuple[SurveyQuestion, SurveyQuestion]]:
    before = {q.skill_id: q for q in data.questions if q.measure == Measure.SKILL_BEFORE}
    return [
        (before[q.skill_id], q)
        for q in data.questions
        if q.measure == Measure.SKILL_AFTER and q.skill_id in before
    ]


def _skills(data: SurveyData, view: Callable[[Sequence[Record]], View]) -> list[SkillGrowth]:
    result = []
    for before, after in _skill_pairs(data):
        b, a = data.records.get(before.pk, []), data.records.get(after.pk, [])
        result.append(
            SkillGrowth(
                skill=after.skill.name if after.skill else "?",
                before=view(b).total,
                after=view(a).total,
                growth=view(_growth_records(b, a)),
            )
        )
    return result


SCALES: dict[str, str] = {QuestionKind.LIKERT: "likert", QuestionKind.NPS: "nps"}


def _measures(
    data: SurveyData,
    view: Callable[[Sequence[Record]], View],
    overall: Callable[[Sequence[Record]], View],
) -> list[MeasureResult]:
    labels = dict(Measure.choices)
    by_measure: dict[str, list[SurveyQuestion]] = {}
    for question in data.questions:
        if question.measure and question.measure not in (
            Measure.SKILL_BEFORE,
            Measure.SKILL_AFTER,
        ):
            by_measure.setdefault(question.measure, []).append(question)
    results = []
    for measure, questions in by_measure.items():
        first = questions[0]
        if first.kind in SCALES:
            same = [q for q in questions if q.kind == first.kind]
            records = [r for q in same for r in data.records.get(q.pk, [])]
            combined = _per_respondent(records, _mean if len(same) > 1 else (lambda v: v[0]))
            results.append(
                MeasureResult(measure, labels[measure], SCALES[first.kind], view(combined))
            )
        elif first.kind == QuestionKind.SINGLE:
            results.append(
                MeasureResult(
                    measure, labels[measure], "choice", view(data.records.get(first.pk, []))
                )
            )
    pairs = _skill_pairs(data)
    if pairs:
        growth = [
            r
            for before, after in pairs
            for r in _growth_records(
                data.records.get(before.pk, []), data.records.get(after.pk, [])
            )
        ]
        results.append(
            MeasureResult(
                "skill_growth",
                "Self-rated skill growth",
                "growth",
                overall(_per_respondent(growth, _mean)),
            )
        )
    return results

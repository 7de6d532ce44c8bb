"""Survey results through the suppression module, never around it.

Every number of a survey comes from one suppressed table per question (and one for respondent
counts) over *all* breakdown dimensions at once (department × level band × role); each view a
reader can ask for — everyone, one breakdown, one filter — is a ``select`` of that one table, so
views cannot be subtracted from each other. Empty groups are shown like hidden ones (so a group
of one invited person does not reveal whether they answered). Free-text comments are published
for the whole survey only, and only when ``k_comments`` people wrote one.

Nothing here checks access: ``selectors.survey_results`` and ``selectors.program_outcomes`` do.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from statistics import fmean

from tandem.core.errors import ApplicationError, FieldError
from tandem.feedback.catalog import AGREEMENT, SKILL_LEVELS
from tandem.feedback.models import (
    LevelBand,
    Measure,
    QuestionKind,
    Response,
    ResponseAnswer,
    Survey,
    SurveyQuestion,
)
from tandem.privacy import (
    ALL,
    Aggregate,
    AggregateTable,
    Comment,
    NoResponses,
    Published,
    PublishedComments,
    PublishedTable,
    Withheld,
    WithheldReason,
    publish_comments,
    suppress,
)
from tandem.programs.models import EnrolmentRole

DIMENSIONS: tuple[str, ...] = ("department", "level_band", "role")
BREAKDOWNS: Mapping[str, str] = {
    "department": "Department",
    "level_band": "Career level",
    "role": "Role in the program",
}
NOT_RECORDED = "Not recorded"
NPS_SCALE = tuple(range(11))
LIKERT_SCALE = tuple(range(1, 6))


@dataclass(frozen=True)
class Record:
    """One respondent's answer to one question, with the groups copied onto the response."""

    respondent: str
    department: str
    level_band: str
    role: str
    value: Hashable


Groups = tuple[str, str, str]
Only = tuple[str, str]


def group_label(dimension: str, value: Hashable) -> str:
    if value is ALL:
        return "Everyone"
    if value in ("", None):
        return NOT_RECORDED
    if dimension == "level_band":
        return str(dict(LevelBand.choices).get(str(value), value))
    if dimension == "role":
        return str(dict(EnrolmentRole.choices).get(str(value), value))
    return str(value)


# --- tables and views --------------------------------------------------------------------------


def publish_table(
    records: Iterable[Record], k: int, *, counting: bool = False, groups: Iterable[Groups] = ()
) -> PublishedTable:
    """Suppress one question's answers (or, with ``counting``, the respondents) at ``k``.

    ``groups`` lists groups that exist even without answers (the invited people's groups), so
    they are listed and look exactly like hidden ones.
    """
    value: Callable[[Record], Hashable | None] | None = None if counting else (lambda r: r.value)
    table = AggregateTable.from_records(
        sorted(records, key=lambda r: r.respondent), DIMENSIONS, value, keys=set(groups)
    )
    return suppress(table, k)


@dataclass(frozen=True)
class Cell:
    """One group as a reader sees it: its results, or why they are not shown."""

    dimension: str
    value: Hashable
    entry: Published
    k: int

    @property
    def label(self) -> str:
        return group_label(self.dimension, self.value)

    @property
    def shown(self) -> bool:
        return isinstance(self.entry, Aggregate)

    @property
    def aggregate(self) -> Aggregate | None:
        return self.entry if isinstance(self.entry, Aggregate) else None

    @property
    def n(self) -> int | None:
        return self.entry.n if isinstance(self.entry, Aggregate) else None

    @property
    def mean(self) -> float | None:
        return self.entry.mean if isinstance(self.entry, Aggregate) else None

    @property
    def nps(self) -> int | None:
        return nps_of(self.entry) if isinstance(self.entry, Aggregate) else None

    @property
    def signed_mean(self) -> str:
        mean = self.mean
        return "" if mean is None else f"{mean:+.1f}"

    @property
    def empty(self) -> bool:
        return isinstance(self.entry, NoResponses)

    @property
    def hidden_text(self) -> str:
        if isinstance(self.entry, Withheld):
            return self.entry.text
        if isinstance(self.entry, NoResponses):  # look exactly like a hidden group
            return Withheld(WithheldReason.SMALL_GROUP, self.k).text
        return ""


@dataclass(frozen=True)
class View:
    """The selected group (everyone, or the filter) and, with a breakdown, its groups."""

    total: Cell
    groups: tuple[Cell, ...] = ()
    refused: Withheld | None = None


def select_view(published: PublishedTable, *, breakdown: str | None, only: Only | None) -> View:
    """One reader's view of a published table: a ``select`` of it, so views never disagree."""
    selection: dict[str, Hashable] = {d: ALL for d in DIMENSIONS if d != breakdown}
    if only is not None:
        selection[only[0]] = only[1]
    total_dimension = only[0] if only else "everyone"
    total_value = only[1] if only else ALL
    full_key = tuple(selection.get(d, ALL) for d in DIMENSIONS)
    if full_key not in published.entries:  # nobody in the filtered group answered
        return View(Cell(total_dimension, total_value, NoResponses(), published.k))
    view = published.select(selection)
    if isinstance(view, Withheld):
        return View(Cell(total_dimension, total_value, view, published.k), refused=view)
    total = Cell(total_dimension, total_value, view.total, published.k)
    if breakdown is None:
        return View(total)
    groups = tuple(
        Cell(breakdown, key[0], entry, published.k)
        for key, entry in sorted(view.cells().items(), key=lambda item: _sort_key(item[0][0]))
    )
    return View(total, groups)


def _sort_key(value: Hashable) -> tuple[int, str]:
    return (1, "") if value in ("", None) else (0, str(value))


# --- numbers -----------------------------------------------------------------------------------


def nps_of(aggregate: Aggregate) -> int | None:
    """Net promoter score: % answering 9–10 minus % answering 0–6."""
    if not aggregate.n or not aggregate.distribution:
        return None
    promoters = sum(c for v, c in aggregate.distribution.items() if _number(v) >= 9)
    detractors = sum(c for v, c in aggregate.distribution.items() if _number(v) <= 6)
    return round(100 * (promoters - detractors) / aggregate.n)


def _number(value: Hashable) -> float:
    return float(value) if isinstance(value, int | float) else -1.0


@dataclass(frozen=True)
class OptionCount:
    label: str
    count: int
    percent: int
    short: str


def scale_labels(question: SurveyQuestion) -> dict[int, str]:
    """Labels of a Likert (agreement, or skill level for self-ratings) or NPS scale."""
    if question.kind == QuestionKind.NPS:
        return {v: str(v) for v in NPS_SCALE}
    words = SKILL_LEVELS if question.skill_id else AGREEMENT
    return {v: f"{v} {words[v - 1]}" for v in LIKERT_SCALE}


def option_counts(question: SurveyQuestion, aggregate: Aggregate) -> list[OptionCount]:
    """How many chose each option; multiple-choice answers count once per option chosen."""
    counts: Counter[Hashable] = Counter()
    for value, count in aggregate.distribution.items():
        for option in value if isinstance(value, tuple) else (value,):
            counts[option] += count
    if question.kind in (QuestionKind.LIKERT, QuestionKind.NPS):
        labels: Mapping[Hashable, str] = {v: label for v, label in scale_labels(question).items()}
    else:
        labels = {c: c for c in question.choices}
    extra = {v: str(v) for v in counts if v not in labels}
    return [
        OptionCount(
            label,
            counts[value],
            round(100 * counts[value] / aggregate.n),
            str(value) if isinstance(value, int) else _shorten(label),
        )
        for value, label in {**labels, **extra}.items()
    ]


def _shorten(label: str, width: int = 13) -> str:
    return label if len(label) <= width else label[: width - 1].rstrip() + "…"


# --- loading -----------------------------------------------------------------------------------


def answer_value(question: SurveyQuestion, number: int | None, choices: list[str]) -> Hashable:
    if question.kind in (QuestionKind.LIKERT, QuestionKind.NPS):
        return number
    if question.kind == QuestionKind.SINGLE:
        return choices[0] if choices else None
    if question.kind == QuestionKind.MULTI:
        return tuple(sorted(choices)) if choices else None
    return None


@dataclass
class SurveyData:
    """A survey's answers grouped by question, and its respondents (no person anywhere)."""

    questions: list[SurveyQuestion]
    records: dict[int, list[Record]] = field(default_factory=dict)
    texts: dict[int, list[Comment]] = field(default_factory=dict)
    respondents: list[Record] = field(default_factory=list)
    groups: set[Groups] = field(default_factory=set)


def load(survey: Survey, *, invited_groups: Iterable[Groups] = ()) -> SurveyData:
    questions = list(survey.questions.select_related("skill"))
    by_id = {q.pk: q for q in questions}
    data = SurveyData(questions, groups=set(invited_groups))
    for rid, department, band, role in Response.objects.filter(survey=survey).values_list(
        "id", "department", "level_band", "role"
    ):
        data.respondents.append(Record(str(rid), department, band, role, None))
        data.groups.add((department, band, role))
    rows = ResponseAnswer.objects.filter(response__survey=survey).values_list(
        "question_id",
        "response_id",
        "number",
        "choices",
        "text",
        "response__department",
        "response__level_band",
        "response__role",
    )
    for qid, rid, number, choices, text, department, band, role in rows:
        question = by_id[qid]
        if question.kind == QuestionKind.TEXT:
            data.texts.setdefault(qid, []).append(Comment(str(rid), text))
            continue
        value = answer_value(question, number, choices or [])
        if value is not None:
            record = Record(str(rid), department, band, role, value)
            data.records.setdefault(qid, []).append(record)
    return data


# --- what a results page shows -----------------------------------------------------------------


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


# --- the same results as a spreadsheet ----------------------------------------------------------

EXPORT_HEADER = (
    "Section",
    "Question",
    "Group",
    "Answers",
    "Mean",
    "NPS",
    "Answer",
    "Count",
    "Percent",
)


def export_rows(results: SurveyResults) -> list[list[object]]:
    """The results page as rows of a spreadsheet: exactly what the page shows, nothing more.

    A hidden group keeps its row with the reason in place of its numbers, so the file can be
    read on its own; free-text comments appear only where the page shows them.
    """
    rows: list[list[object]] = []

    def cells(section: str, text: str, view: View, question: SurveyQuestion | None) -> None:
        if view.refused is not None:
            rows.append([section, text, "", None, None, None, view.refused.text, None, None])
            return
        for cell in (view.total, *view.groups):
            if not cell.shown:
                rows.append(
                    [section, text, cell.label, None, None, None, cell.hidden_text, None, None]
                )
                continue
            nps = cell.nps if question is not None and question.kind == QuestionKind.NPS else None
            mean = None if cell.mean is None else round(cell.mean, 2)
            rows.append([section, text, cell.label, cell.n, mean, nps, "", None, None])
            if question is not None and question.kind != QuestionKind.TEXT and cell.aggregate:
                for option in option_counts(question, cell.aggregate):
                    rows.append(
                        [
                            section,
                            text,
                            cell.label,
                            None,
                            None,
                            None,
                            option.label,
                            option.count,
                            option.percent,
                        ]
                    )

    cells("Responses", "People who answered", results.respondents, None)
    for number, result in enumerate(results.questions, start=1):
        question = result.question
        text = f"{number}. {question.text}"
        if result.is_text:
            if isinstance(result.comments, PublishedComments):
                for comment in result.comments.texts:
                    rows.append(
                        ["Comments", text, "Everyone", None, None, None, comment, None, None]
                    )
            else:
                note = result.comments_note or (result.comments.text if result.comments else "")
                rows.append(["Comments", text, "Everyone", None, None, None, note, None, None])
        elif result.view is not None:
            cells("Question", text, result.view, question)
    for skill in results.skills:
        total = skill.growth.total
        label = f"Skill growth: {skill.skill}"
        if total.shown:
            before = None if skill.before.mean is None else round(skill.before.mean, 2)
            after = None if skill.after.mean is None else round(skill.after.mean, 2)
            growth = None if total.mean is None else round(total.mean, 2)
            rows.append(
                [
                    "Skill growth",
                    label,
                    "Everyone",
                    total.n,
                    growth,
                    None,
                    f"before {before}, now {after}",
                    None,
                    None,
                ]
            )
        else:
            rows.append(
                ["Skill growth", label, "Everyone", None, None, None, total.hidden_text, None, None]
            )
    return rows

"""Turning published cells into the numbers a page shows: NPS, option counts, scale labels."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from tandem.feedback.catalog import AGREEMENT, SKILL_LEVELS
from tandem.feedback.models import (
    QuestionKind,
    SurveyQuestion,
)
from tandem.privacy import (
    Aggregate,
)

NPS_SCALE = tuple(range(11))
LIKERT_SCALE = tuple(range(1, 6))


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


def answer_value(question: SurveyQuestion, number: int | None, choices: list[str]) -> Hashable:
    if question.kind in (QuestionKind.LIKERT, QuestionKind.NPS):
        return number
    if question.kind == QuestionKind.SINGLE:
        return choices[0] if choices else None
    if question.kind == QuestionKind.MULTI:
        return tuple(sorted(choices)) if choices else None
    return None

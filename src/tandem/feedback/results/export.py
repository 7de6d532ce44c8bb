"""The same results as a spreadsheet: exactly what the page shows, hidden groups with their
reason."""

from __future__ import annotations

from tandem.feedback.models import (
    QuestionKind,
    SurveyQuestion,
)
from tandem.feedback.results.numbers import option_counts
from tandem.feedback.results.pages import SurveyResults
from tandem.feedback.results.tables import View
from tandem.privacy import (
    PublishedComments,
)

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

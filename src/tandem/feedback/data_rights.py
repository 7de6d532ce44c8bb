"""What feedback holds about a person (``core.personal_data``).

Anonymous answers are not in the export: nothing links them to anyone, by design, so they cannot
be found for one person (and so are not erased either — they are not personal data any more).
"""

from __future__ import annotations

from typing import Any

from tandem.core.personal_data import Section, Subject, register
from tandem.feedback.models import AttributedResponse, Participation, ResponseAnswer


def export(subject: Subject) -> dict[str, Section]:
    pid = subject.person_id
    if pid is None:
        return {}
    participation = Participation.objects.filter(person_id=pid).select_related("survey__program")
    attributed = AttributedResponse.objects.filter(person_id=pid).select_related("response__survey")
    answers: dict[Any, list[dict[str, Any]]] = {}
    for a in ResponseAnswer.objects.filter(response__attribution__person_id=pid).select_related(
        "question"
    ):
        answers.setdefault(a.response_id, []).append(
            {"question": a.question.text, "number": a.number, "choices": a.choices, "text": a.text}
        )
    return {
        "survey_participation": Section(
            "Surveys you were invited to",
            "Whether you answered, never what: answers to anonymous surveys are stored without "
            "any link to you, so they cannot be found for you (or anyone).",
            [
                {
                    "survey": p.survey.title,
                    "program": p.survey.program.name,
                    "anonymous": p.survey.anonymous,
                    "invited": p.invited_on,
                    "reminders": p.reminders_sent,
                    "answered": p.responded_on,
                }
                for p in participation
            ],
        ),
        "attributed_answers": Section(
            "Your answers to named (not anonymous) surveys",
            "Surveys that said your name is kept with your answers.",
            [
                {
                    "survey": r.response.survey.title,
                    "submitted": r.response.submitted_on,
                    "answers": answers.get(r.response_id, []),
                }
                for r in attributed
            ],
        ),
    }


def erase(subject: Subject) -> dict[str, int]:
    """Participation rows stay (response rates); free text of named answers goes."""
    pid = subject.person_id
    if pid is None:
        return {}
    return {
        "named_answer_texts": ResponseAnswer.objects.filter(response__attribution__person_id=pid)
        .exclude(text="")
        .update(text="")
    }


register("feedback", export=export, erase=erase, order=30)

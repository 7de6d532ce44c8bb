"""The feedback part of the access matrix's world (``tests/test_access.py``)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tandem.feedback.models import Participation, Survey
from tandem.feedback.services.surveys import survey_from_template


def feedback_world(program, invited) -> dict:
    """An open check-in of ``program`` to which the ``invited`` people were asked."""
    survey = survey_from_template(actor=None, program=program, kind="checkin")
    now = timezone.now()
    Survey.objects.filter(pk=survey.pk).update(
        status="open", opens_at=now, closes_at=now + timedelta(days=14)
    )
    for person in invited:
        Participation.objects.create(survey=survey, person=person, invited_on=now.date())
    ids = {"survey_id": survey.pk, "question_id": survey.questions.first().pk}
    by_program = {"program_id": program.pk}
    return {
        "ids": {"survey_id": survey.pk},
        "kwargs": {
            "feedback:program": by_program,
            "feedback:create": by_program,
            "feedback:respond": {"survey_id": survey.pk},
            "feedback:edit": {"survey_id": survey.pk},
            "feedback:transition": {"survey_id": survey.pk},
            "feedback:results": {"survey_id": survey.pk},
            "feedback:results_export": {"survey_id": survey.pk, "fmt": "csv"},
            "feedback:question": ids,
            "feedback:settings": {"survey_id": survey.pk},
            "feedback:question_add": {"survey_id": survey.pk},
            "feedback:question_up": ids,
            "feedback:question_down": ids,
            "feedback:question_delete": ids,
        },
    }

"""One questionnaire component serves program enrolment and surveys: the same editor page, the
same one-URL-per-action moves and deletes, the same rules for choices and locking."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from tandem.audit.models import AuditEntry
from tandem.feedback.services.surveys import survey_from_template
from tandem.programs.models import ProgramStatus
from tests.conftest import client_for
from tests.factories import make_program


@dataclass
class Owner:
    """A questionnaire under test: its editor's URL names and how to make a valid question."""

    namespace: str
    owner_id: int
    questions: Any
    editor: str
    add: str
    prompt_field: str
    new_question: dict[str, str]
    lock: Any

    def url(self, name: str, *args: int) -> str:
        return reverse(f"{self.namespace}:{name}", args=[self.owner_id, *args])

    def prompts(self) -> list[str]:
        return [q.prompt for q in self.questions.all()]


def program_owner(coordinator) -> Owner:
    program = make_program(coordinator)

    def lock() -> None:
        type(program).objects.filter(pk=program.pk).update(status=ProgramStatus.ENROLLING)

    return Owner(
        namespace="programs",
        owner_id=program.pk,
        questions=program.questions,
        editor="questionnaire",
        add="questionnaire",
        prompt_field="label",
        new_question={"kind": "choice", "label": "  Which floor?  ", "choices": "3\n4\n3\n\n5"},
        lock=lock,
    )


def survey_owner(coordinator) -> Owner:
    program = make_program(coordinator, status="enrolling")
    survey = survey_from_template(actor=coordinator, program=program, kind="checkin")

    def lock() -> None:
        type(survey).objects.filter(pk=survey.pk).update(status="open")

    return Owner(
        namespace="feedback",
        owner_id=survey.pk,
        questions=survey.questions,
        editor="edit",
        add="question_add",
        prompt_field="text",
        new_question={
            "kind": "single",
            "text": "  Which floor?  ",
            "choices": "3\n4\n3\n\n5",
            "hat": "both",
            "required": "on",
        },
        lock=lock,
    )


@pytest.fixture(params=[program_owner, survey_owner], ids=["enrolment", "survey"])
def owner(request, coordinator) -> Owner:
    return request.param(coordinator)


def test_the_same_editor_adds_moves_and_deletes_questions(owner, coordinator):
    client = client_for(coordinator)
    page = client.get(owner.url(owner.editor))
    assert page.status_code == 200
    assert 'id="question-form"' in page.content.decode()
    before = owner.prompts()

    added = client.post(owner.url(owner.add), owner.new_question)
    assert added.status_code == 302, added.content.decode()[:2000]
    question = owner.questions.order_by("-position").first()
    assert question.prompt == "Which floor?"
    assert question.choices == ["3", "4", "5"]  # trimmed, blank and repeated lines dropped
    assert owner.prompts() == [*before, "Which floor?"]

    assert client.post(owner.url("question_up", question.pk)).status_code == 302
    assert owner.prompts()[-2] == "Which floor?"
    assert client.post(owner.url("question_down", question.pk)).status_code == 302
    assert client.post(owner.url("question_down", question.pk)).status_code == 302  # stays last
    assert owner.prompts() == [*before, "Which floor?"]

    assert client.post(owner.url("question_delete", question.pk)).status_code == 302
    assert owner.prompts() == before
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    prefix = "program" if owner.namespace == "programs" else "survey"
    assert {f"{prefix}.question_saved", f"{prefix}.question_deleted"} <= actions


def test_a_choice_question_needs_two_choices_and_says_so_on_the_field(owner, coordinator):
    client = client_for(coordinator)
    page = client.post(owner.url(owner.add), {**owner.new_question, "choices": "only one"})
    assert page.status_code == 200
    assert "Give at least two choices, one per line." in page.content.decode()
    assert "Which floor?" not in owner.prompts()


def test_moves_are_post_only_and_refused_once_the_questionnaire_is_locked(owner, coordinator):
    client = client_for(coordinator)
    first = owner.questions.first()
    assert client.get(owner.url("question_delete", first.pk)).status_code == 405
    owner.lock()
    before = owner.prompts()

    refused = client.post(owner.url("question_delete", first.pk), follow=True)
    assert "fixed" in refused.content.decode() or "locked" in refused.content.decode()
    client.post(owner.url("question_down", first.pk))
    assert owner.prompts() == before


def test_another_coordinators_question_ids_answer_404(owner, coordinator, admin, outsider):
    question = owner.questions.first()
    assert client_for(outsider).post(owner.url("question_up", question.pk)).status_code == 404
    other = program_owner(coordinator).questions.first()
    assert client_for(admin).post(owner.url("question_up", other.pk)).status_code == 404

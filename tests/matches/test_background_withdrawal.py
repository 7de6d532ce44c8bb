"""Issue 17: background attributes are used exactly as the consent text says (fairness figures
only, never matching) and can be withdrawn from the person's data page, effective at once."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from tandem.audit.models import AuditEntry
from tandem.matches.engine_input import participants
from tandem.matches.selectors import WITHDRAWN, fairness
from tandem.programs.models import PrivateAnswer, QuestionKind
from tandem.programs.questionnaire.standard import BACKGROUND_CONSENT
from tandem.programs.services.enrolment import _store_answers
from tests.conftest import client_for
from tests.matches.conftest import enrolled, run_now

BACKGROUND = "Background (self-described, groups of 5 or more)"


def _share(program, people, value=("Career changer",)):
    question = program.questions.get(kind=QuestionKind.BACKGROUND)
    for person in people:
        PrivateAnswer.objects.create(
            enrolment=program.enrolments.get(person=person),
            question=question,
            value=list(value),
            consented_at=program.created_at,
        )
    return question


def test_the_consent_text_says_what_the_code_does(coordinator, program_factory):
    assert "not used to choose my match" in BACKGROUND_CONSENT
    assert "deleted at once" in BACKGROUND_CONSENT
    program = program_factory(6)
    _share(program, enrolled(program))
    for participant in participants(program):
        assert "background" not in participant.custom  # the engine never sees it
    run = run_now(coordinator, program)
    rows = fairness(run)[BACKGROUND]
    assert rows and rows[0][0] == "Career changer" and rows[0][1] == 6


def test_withdrawing_from_the_data_page_deletes_at_once_and_hides_the_groups(
    coordinator, program_factory
):
    program = program_factory(6)
    people = enrolled(program)
    _share(program, people)
    run = run_now(coordinator, program)
    assert fairness(run)[BACKGROUND] not in (None, WITHDRAWN)
    client = client_for(people[0].user)
    page = client.get(reverse("people:my_data")).content.decode()
    assert f"Background you shared in {program.name}" in page and "Career changer" in page

    response = client.post(reverse("programs:background_withdraw", args=[program.pk]))

    assert response.status_code == 302 and response["Location"] == reverse("people:my_data")
    assert not PrivateAnswer.objects.filter(enrolment__person=people[0]).exists()
    entry = AuditEntry.objects.get(action="enrolment.background_withdrawn")
    assert "Career changer" not in str(entry.data)
    run.refresh_from_db()
    assert fairness(run)[BACKGROUND] == WITHDRAWN  # no before/after comparison possible
    later = run_now(coordinator, program)
    assert fairness(later)[BACKGROUND] in (None, WITHDRAWN)
    fairness_page = client_for(coordinator).get(reverse("matches:fairness", args=[run.pk]))
    assert "someone took back a background answer" in fairness_page.content.decode()


def test_an_unchanged_answer_keeps_its_consent_time_and_a_later_one_is_not_counted(
    coordinator, program_factory
):
    program = program_factory(6)
    people = enrolled(program)
    question = _share(program, people)
    run = run_now(coordinator, program)
    enrolment = program.enrolments.get(person=people[0])
    consented = PrivateAnswer.objects.get(enrolment=enrolment).consented_at
    later = run.created_at + timedelta(days=1)
    _store_answers(enrolment, {question: ["Career changer"]}, later)  # re-saved, same answer
    assert PrivateAnswer.objects.get(enrolment=enrolment).consented_at == consented
    run.refresh_from_db()
    assert not run.stats.get("background_withdrawn")
    _store_answers(enrolment, {question: ["Parent or carer"]}, later)  # changed: a withdrawal
    run.refresh_from_db()
    assert run.stats.get("background_withdrawn") is True


def test_nobody_withdraws_someone_elses_answers(coordinator, program_factory, outsider):
    program = program_factory(6)
    _share(program, enrolled(program))
    response = client_for(outsider).post(reverse("programs:background_withdraw", args=[program.pk]))
    assert response.status_code == 404
    assert PrivateAnswer.objects.filter(enrolment__program=program).count() == 6

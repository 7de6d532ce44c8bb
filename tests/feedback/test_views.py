"""Pages and API: who sees what, forms, audit of every results view."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from tandem.audit.models import AuditEntry
from tandem.feedback.forms import field_name
from tandem.feedback.models import Participation, QuestionKind, Response, Survey
from tandem.feedback.selectors import questions_for
from tandem.feedback.services.answers import response_submit
from tandem.feedback.services.stages import survey_transition
from tests.conftest import client_for
from tests.factories import PersonFactory, UserFactory
from tests.feedback.conftest import answers_for, invited_people, open_survey


@pytest.fixture
def survey(program, coordinator):
    return open_survey(coordinator, program)


@pytest.fixture
def other_coordinator(db):
    return PersonFactory(
        user=UserFactory(email="other@example.com", name="Otto Other", role="coordinator")
    ).user


def _form_data(survey, person, score=4):
    data = {}
    for question in questions_for(survey, person):
        value = answers_for(survey, person, score=score).get(question.pk)
        if value is not None:
            data[field_name(question)] = value
    return data


# --- participants ------------------------------------------------------------------------------


def test_a_participant_answers_once_through_the_page(survey):
    person = invited_people(survey)[0]
    client = client_for(person.user)
    mine = client.get(reverse("feedback:mine"))
    assert survey.title in mine.text and "waiting for you" in mine.text

    page = client.get(reverse("feedback:respond", args=[survey.pk]))
    assert "Your answers are anonymous." in page.text
    assert "groups of at least 5 people" in page.text
    assert "<fieldset" in page.text and "<legend>" in page.text

    response = client.post(
        reverse("feedback:respond", args=[survey.pk]), _form_data(survey, person)
    )
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert "your answers are saved without your name" in follow.text
    assert Response.objects.filter(survey=survey).count() == 1

    again = client.get(reverse("feedback:respond", args=[survey.pk]))
    assert "You have answered this survey" in again.text
    client.post(reverse("feedback:respond", args=[survey.pk]), _form_data(survey, person))
    assert Response.objects.filter(survey=survey).count() == 1


def test_missing_answers_are_shown_next_to_their_question(survey):
    person = invited_people(survey)[0]
    client = client_for(person.user)
    page = client.post(reverse("feedback:respond", args=[survey.pk]), {})
    assert page.status_code == 200
    required = [q for q in questions_for(survey, person) if q.required]
    assert page.text.count("Please answer this question.") == len(required)
    assert f"{len(required)} answers need attention" in page.text
    assert 'class="errorlist"' in page.text
    assert not Participation.objects.filter(responded_on__isnull=False).exists()


def test_participants_cannot_see_results_or_other_peoples_surveys(survey, outsider, coordinator):
    person = invited_people(survey)[0]
    response_submit(actor=person.user, survey=survey, answers=answers_for(survey, person))
    other = client_for(invited_people(survey)[1].user)
    for name in ("feedback:results", "feedback:edit"):
        assert other.get(reverse(name, args=[survey.pk])).status_code == 404
    assert other.get(f"/api/surveys/{survey.pk}/results").status_code == 404
    stranger = client_for(outsider)
    assert stranger.get(reverse("feedback:respond", args=[survey.pk])).status_code == 404
    assert (
        stranger.post(
            f"/api/surveys/{survey.pk}/responses", {"answers": {}}, content_type="application/json"
        ).status_code
        == 404
    )
    # nothing anywhere shows one person's answers: there is no page or endpoint for it
    assert "answers" not in other.get("/api/me/surveys").json()[0]


def test_a_coordinator_of_another_program_gets_404(survey, other_coordinator):
    client = client_for(other_coordinator)
    for name in ("feedback:results", "feedback:edit", "feedback:respond"):
        assert client.get(reverse(name, args=[survey.pk])).status_code == 404
    assert client.get(reverse("feedback:program", args=[survey.program_id])).status_code == 404
    assert client.get(f"/api/surveys/{survey.pk}/results").status_code == 404
    assert client.get(f"/api/programs/{survey.program_id}/surveys").status_code == 404
    assert (
        client.post(reverse("feedback:transition", args=[survey.pk]), {"to": "closed"}).status_code
        == 404
    )
    assert Survey.objects.get(pk=survey.pk).status == "open"


def test_every_results_view_is_audited(survey, coordinator):
    survey_transition(actor=coordinator, survey=survey, to="closed")  # breakdowns once closed
    client = client_for(coordinator)
    client.get(reverse("feedback:results", args=[survey.pk]))
    client.get(reverse("feedback:results", args=[survey.pk]) + "?breakdown=role")
    client.get(f"/api/surveys/{survey.pk}/results?breakdown=department")
    entries = AuditEntry.objects.filter(action="survey.results_viewed", actor=coordinator)
    assert [e.data["breakdown"] for e in entries.order_by("pk")] == ["", "role", "department"]
    assert {e.target_id for e in entries} == {str(survey.pk)}


# --- coordinators ------------------------------------------------------------------------------


def test_a_coordinator_creates_edits_schedules_and_opens_a_survey(program, coordinator):
    client = client_for(coordinator)
    assert client.get(reverse("feedback:program", args=[program.pk])).status_code == 200
    created = client.post(reverse("feedback:create", args=[program.pk]), {"kind": "checkin"})
    survey = Survey.objects.get(program=program)
    assert created["Location"] == reverse("feedback:edit", args=[survey.pk])

    added = client.post(
        reverse("feedback:question_add", args=[survey.pk]),
        {
            "kind": "single",
            "text": "Where do you usually meet?",
            "choices": "Video\nIn person\nWalk",
            "hat": "both",
            "required": "on",
        },
    )
    assert added.status_code == 302
    question = survey.questions.get(text="Where do you usually meet?")
    assert question.choices == ["Video", "In person", "Walk"]

    bad = client.post(
        reverse("feedback:settings", args=[survey.pk]),
        {"title": "Check-in", "k_scores": "3", "k_comments": "10",
         "anchor": "start", "day_offset": "30", "open_days": "14", "reminder_days": "5"},
    )  # fmt: skip
    assert bad.status_code == 200 and "at least 5 responses (got 3)" in bad.text

    client.post(reverse("feedback:transition", args=[survey.pk]), {"to": "scheduled"})
    assert Survey.objects.get(pk=survey.pk).status == "scheduled"
    client.post(reverse("feedback:transition", args=[survey.pk]), {"to": "open"})
    survey.refresh_from_db()
    assert survey.status == "open" and survey.participations.count() == 12
    page = client.get(reverse("feedback:edit", args=[survey.pk]))
    assert "fixed since the survey opened" in page.text


def test_the_results_page_shows_charts_and_hidden_groups(survey, coordinator):
    for i, person in enumerate(invited_people(survey)):
        response_submit(
            actor=person.user, survey=survey, answers=answers_for(survey, person, score=1 + i % 5)
        )
    client = client_for(coordinator)
    url = reverse("feedback:results", args=[survey.pk])
    while_open = client.get(url + "?breakdown=department")
    assert while_open.status_code == 302
    assert "once the survey has closed" in client.get(while_open["Location"]).text
    survey_transition(actor=coordinator, survey=survey, to="closed")
    page = client.get(url + "?breakdown=department")
    assert page.status_code == 200
    assert page.text.count('<svg class="chart"') >= 6
    # departments of 2 or 3 people were combined at close: no department is named
    assert "Not recorded, or combined for privacy" in page.text
    assert not any(p.department.name in page.text for p in invited_people(survey))
    assert "style=" not in page.text and "<script>" not in page.text


def test_the_results_download_holds_only_what_the_page_shows(survey, coordinator):
    people = invited_people(survey)
    text = next(q for q in survey.questions.all() if q.kind == QuestionKind.TEXT)
    for i, person in enumerate(people[:7]):
        answers = answers_for(survey, person, score=1 + i % 5)
        answers[text.pk] = '=HYPERLINK("http://evil.example","click")'
        response_submit(actor=person.user, survey=survey, answers=answers)
    client = client_for(coordinator)
    url = reverse("feedback:results_export", args=[survey.pk, "csv"])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Section", "Question", "Group", "Answers"]
    likert = next(q for q in survey.questions.all() if q.kind == QuestionKind.LIKERT)
    likert_rows = [r for r in rows if r[1].endswith(likert.text)]
    totals = [r for r in likert_rows if r[2] == "Everyone" and r[3]]
    assert totals and totals[0][3] == "5"  # released in batches of 5: two answers wait
    assert client.get(url + "?breakdown=department").status_code == 302  # not while open
    comments = [r for r in rows if r[0] == "Comments"]
    assert comments and "at least 10" in comments[0][6]  # 7 < 10: no comment leaves
    assert "evil.example" not in response.content.decode()

    for person in people[7:12]:
        answers = answers_for(survey, person)
        answers[text.pk] = '=HYPERLINK("http://evil.example","click")'
        response_submit(actor=person.user, survey=survey, answers=answers)
    survey_transition(actor=coordinator, survey=survey, to="closed")
    by_department = client.get(url + "?breakdown=department")
    rows = list(csv.reader(io.StringIO(by_department.content.decode("utf-8-sig"))))
    departments = [r for r in rows if r[1].endswith(likert.text) and r[2] != "Everyone"]
    assert departments and all(r[3] == "" or int(r[3]) >= 5 for r in departments)
    names = {p.department.name for p in people}
    assert not any(r[2] in names for r in departments)  # combined at close: 2 or 3 each
    workbook = client.get(reverse("feedback:results_export", args=[survey.pk, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content)).active
    cells = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    payloads = [c for c in cells if "evil.example" in c]
    assert len(payloads) == 10 and all(c.startswith("'=") for c in payloads)  # two batches
    assert (
        client.get(reverse("feedback:results_export", args=[survey.pk, "pdf"])).status_code == 404
    )
    exported = AuditEntry.objects.filter(action="survey.results_exported", actor=coordinator)
    assert [e.data["format"] for e in exported.order_by("pk")] == ["csv", "csv", "xlsx"]


def test_a_refused_breakdown_explains_itself(survey, coordinator):
    client = client_for(coordinator)
    assert (
        "shown once the survey has closed"
        in client.get(reverse("feedback:results", args=[survey.pk])).text
    )
    for person in invited_people(survey)[:10]:
        response_submit(actor=person.user, survey=survey, answers=answers_for(survey, person))
    survey_transition(actor=coordinator, survey=survey, to="closed")  # ten peers: role is kept
    response = client.get(
        reverse("feedback:results", args=[survey.pk]) + "?breakdown=role&only=role:peer"
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "Filter on another dimension than the breakdown" in page.text


# --- API ---------------------------------------------------------------------------------------


def test_the_api_lists_my_surveys_with_my_questions_and_takes_one_answer(survey):
    person = invited_people(survey)[0]
    client = client_for(person.user)
    [mine] = client.get("/api/me/surveys").json()
    assert mine["id"] == survey.pk and not mine["answered"] and mine["anonymous"]
    likert = next(q for q in mine["questions"] if q["kind"] == QuestionKind.LIKERT)
    assert [o["value"] for o in likert["scale"]] == [1, 2, 3, 4, 5]

    answers = {str(k): v for k, v in answers_for(survey, person).items()}
    url = f"/api/surveys/{survey.pk}/responses"
    bad = client.post(url, {"answers": {str(likert["id"]): 9}}, content_type="application/json")
    assert bad.status_code == 422
    assert any(e["field"] == f"q{likert['id']}" for e in bad.json()["errors"])
    ok = client.post(url, {"answers": answers}, content_type="application/json")
    assert ok.status_code == 201 and set(ok.json()) == {"detail"}
    again = client.post(url, {"answers": answers}, content_type="application/json")
    assert again.status_code == 409
    assert client.get("/api/me/surveys").json()[0]["answered"] is True


def test_the_api_results_apply_the_same_thresholds(survey, coordinator):
    for person in invited_people(survey)[:7]:
        response_submit(actor=person.user, survey=survey, answers=answers_for(survey, person))
    client = client_for(coordinator)
    listed = client.get(f"/api/programs/{survey.program_id}/surveys").json()
    mine = next(s for s in listed if s["id"] == survey.pk)
    assert (mine["invited"], mine["responded"], mine["response_rate"]) == (12, 7, 58)
    assert [s["wave"] for s in listed] == [2, 1]  # the check-in's next wave is scheduled
    refused = client.get(f"/api/surveys/{survey.pk}/results?breakdown=department")
    assert refused.status_code == 422 and "once the survey has closed" in refused.text
    data = client.get(f"/api/surveys/{survey.pk}/results").json()
    question = next(q for q in data["questions"] if q["kind"] == "likert")
    assert question["result"]["total"]["n"] == 5  # the first batch of 5; two answers wait
    text = next(q for q in data["questions"] if q["kind"] == "text")
    assert text["comments"] is None and "at least 10" in text["comments_hidden_reason"]
    satisfaction = next(m for m in data["measures"] if m["measure"] == "satisfaction")
    assert satisfaction["result"]["total"]["mean"] == 4.0
    assert client.get(f"/api/surveys/{survey.pk}/results?only=role").status_code == 422

"""A participant answers an open check-in; the coordinator reads the results: a chart, and small
groups hidden."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tandem.feedback.models import Response
from tandem.feedback.services.answers import response_submit
from tandem.feedback.services.stages import survey_transition
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD
from tests.feedback.conftest import answers_for, invited_people, open_survey, started_program


@pytest.mark.django_db(transaction=True)
def test_a_participant_answers_and_the_coordinator_sees_results(
    page, browser, live_server, coordinator
):
    program = started_program(coordinator, 22)  # departments of 5, 5, 4, 4 and 4
    survey = open_survey(coordinator, program, "checkin")
    people = invited_people(survey)
    # two people answer after the participant below: fewer than 5, they are never released
    late = [
        next(p for p in people[1:] if (p.department.name, p.level) == ("Dept 3", 5)),
        next(p for p in people[1:] if (p.department.name, p.level) == ("Dept 2", 4)),
    ]
    for i, person in enumerate(p for p in people[1:] if p not in late):
        response_submit(
            actor=person.user,
            survey=survey,
            answers=answers_for(survey, person, score=2 + i % 4, text=f"Idea number {i}"),
        )
    me = people[0]

    person = browser.new_context(base_url=live_server.url).new_page()
    sign_in(person, me.user.email, PASSWORD)
    person.get_by_role("link", name="Surveys", exact=True).click()
    person.get_by_role("link", name="Answer").click()
    expect(person.locator("#anonymity")).to_contain_text("stored without your name")
    expect(person.locator("#anonymity")).to_contain_text("groups of at least 5 people")
    person.get_by_role("button", name="Send my answers").click()
    expect(person.get_by_role("alert")).to_contain_text("need attention")
    expect(person.locator(".errorlist").first).to_contain_text("Please answer this question.")

    person.get_by_role("group", name=re.compile("How many times have you met")).get_by_label(
        "Twice"
    ).check()
    for statement in (
        "Our conversations have been useful to me.",
        "When I was the one sharing",
        "When I brought a question",
        "We both get to bring topics",
        "Overall, I am satisfied",
    ):
        person.get_by_role("group", name=re.compile(re.escape(statement))).get_by_label(
            "4 Agree"
        ).check()
    person.get_by_label(re.compile("What is one thing")).fill("A shared agenda doc.")
    person.get_by_role("button", name="Send my answers").click()
    expect(person.locator(".alert-success")).to_contain_text("saved without your name")
    expect(person.locator("tbody")).to_contain_text("answered")
    for person in late:
        response_submit(actor=person.user, survey=survey, answers=answers_for(survey, person))
    assert Response.objects.filter(survey=survey).count() == 22
    # While open, results move in batches of 5 (20 of 22 shown); closing does not add the last
    # two, and coarsens the groups kept with the 20: departments of fewer than 5 answers become
    # "Other departments".
    survey_transition(actor=coordinator, survey=survey, to="closed")

    sign_in(page, coordinator.email, PASSWORD)
    page.get_by_role("link", name="Surveys", exact=True).click()
    page.get_by_role("link", name="Surveys and results").click()
    page.get_by_role("row", name=re.compile("Check-in.*Closed")).get_by_role(
        "link", name="Results"
    ).click()
    expect(page.locator(".stat").first).to_contain_text("22")
    page.get_by_label("Break down by").select_option(label="Department")
    page.get_by_role("button", name="Show").click()
    usefulness = page.locator(".result-card", has_text="Our conversations have been useful")
    expect(usefulness.locator("svg.chart")).to_be_visible()
    expect(usefulness.get_by_role("row", name=re.compile("Dept 0"))).to_contain_text("mean")
    expect(usefulness.get_by_role("row", name=re.compile("Other departments"))).to_contain_text(
        "mean"
    )
    expect(usefulness.get_by_role("row", name=re.compile("Dept 2"))).to_have_count(0)
    comments = page.locator(".result-card", has_text="What is one thing")
    expect(comments).to_contain_text("A shared agenda doc.")

"""A coordinator sets up a program in the browser; an invited person enrols, edits and withdraws."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tandem.notify.models import OutboxMessage
from tandem.programs.models import Enrolment, Program
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, SkillFactory


@pytest.mark.django_db(transaction=True)
def test_coordinator_opens_a_program_and_a_person_enrols_edits_and_withdraws(
    page, browser, live_server, coordinator, participant
):
    for name in ("SQL", "Public speaking", "Negotiation"):
        SkillFactory(name=name)
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, coordinator.email, PASSWORD)
    page.get_by_role("link", name="Programs", exact=True).click()
    page.get_by_role("link", name="New program").click()
    page.get_by_label("Name").fill("Cross-Team Peers")
    page.get_by_label("Kind").select_option(label="Peer pairs")
    page.get_by_label("Confidentiality statement").fill("What is said stays between you.")
    page.get_by_label("Code of conduct").fill("Be on time; listen first.")
    closes = timezone.localdate() + timedelta(days=14)
    page.get_by_label("Enrolment closes").fill(closes.isoformat())
    page.get_by_role("button", name="Create program").click()
    expect(page.locator(".alert-success")).to_contain_text("standard questionnaire")

    page.get_by_role("link", name="Questionnaire").click()
    page.get_by_label("Kind").select_option(label="Custom: short text")
    page.get_by_label(re.compile(r"^Question\b")).fill("Which office do you usually work from?")
    page.get_by_role("button", name="Add question").click()
    expect(page.locator(".qlist")).to_contain_text("Which office do you usually work from?")
    page.get_by_role("link", name="Back to the program").click()

    page.get_by_role("link", name="Open enrolment…").click()
    expect(page.locator("main")).to_contain_text("eligible for this program will be emailed")
    page.get_by_role("button", name="Open enrolment").click()
    expect(page.locator(".alert-success")).to_contain_text("The program is now enrolling")
    program = Program.objects.get(name="Cross-Team Peers")
    invitation = OutboxMessage.objects.get(kind="program_invitation", recipient=participant.email)
    path = re.search(r"https?://[^/\s]+(/programs/\d+/join/)", invitation.body_text).group(1)

    person = browser.new_context(base_url=live_server.url).new_page()
    person.on("dialog", lambda dialog: dialog.accept())
    sign_in(person, participant.email, PASSWORD)
    person.goto(path)
    expect(person.get_by_role("heading", name="Cross-Team Peers")).to_be_visible()
    expect(person.locator("#guidelines")).to_contain_text("Be on time; listen first.")
    person.get_by_role("button", name="Enrol").click()  # nothing filled in yet
    expect(person.locator(".errorlist").first).to_be_visible()
    person.get_by_role("group", name="What can you help others with?").get_by_label("SQL").check()
    person.get_by_role("group", name="What do you want to grow in?").get_by_label(
        "Public speaking"
    ).check()
    person.get_by_label("What would make this program a success for you?").fill(
        "Present at the all-hands"
    )
    person.get_by_label("Which office do you usually work from?").fill("Berlin")
    person.get_by_label(re.compile("I have read the guidelines")).check()
    person.get_by_role("button", name="Enrol").click()
    expect(person.locator(".alert-success")).to_contain_text("You are enrolled in Cross-Team Peers")

    person.get_by_label("What would make this program a success for you?").fill("Run a workshop")
    person.get_by_role("button", name="Save my answers").click()
    expect(person.locator(".alert-success")).to_contain_text("Your answers are saved")
    enrolment = Enrolment.objects.get(program=program, person__user=participant)
    assert enrolment.answers.get(question__key="goals").value == "Run a workshop"
    assert enrolment.answers.get(question__key="text").value == "Berlin"

    person.get_by_role("button", name="Withdraw from the program").click()
    expect(person.locator(".alert-info")).to_contain_text("You have withdrawn")
    enrolment.refresh_from_db()
    assert enrolment.status == "withdrawn"

    page.goto(f"/programs/{program.pk}/")
    expect(page.locator("main")).to_contain_text(re.compile(r"1\s*withdrew"))

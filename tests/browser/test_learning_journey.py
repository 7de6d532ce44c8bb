"""The library and training journeys. A participant enrols in a program that requires a training: the home page says what to
finish, they fail the module once, pass it, acknowledge the agreement, and leave the
coordinator's "waiting on a training" list for the matching pool."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tandem.learning.models import HelpfulMark, ResourceView
from tandem.learning.services.resources import resource_save
from tandem.learning.services.trainings import requirement_add, training_save
from tandem.matches.selectors import pool
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, make_program


@pytest.mark.django_db(transaction=True)
def test_enrol_finish_the_required_training_and_enter_the_pool(
    page, browser, live_server, coordinator, participant
):
    program = make_program(coordinator, name="Cross-Team Peers", status="enrolling")
    program.questions.exclude(key="goals").delete()
    module = training_save(
        actor=coordinator,
        program=program,
        kind="module",
        title="Peer mentoring basics",
        body="## Both hats\nTake turns to ask and to share.",
        pass_mark=100,
        questions="Who gives and who receives?\n- Only the mentor\n* Both of us\n",
    )
    pledge = training_save(
        actor=coordinator, program=program, kind="agreement", title="Pledge", body="I turn up."
    )
    for training in (module, pledge):
        requirement_add(actor=coordinator, program=program, training=training)

    sign_in(page, participant.email, PASSWORD)
    page.goto(f"/programs/{program.pk}/join/")
    before = page.locator("#before-matching")
    expect(before).to_contain_text("This program asks you to complete these before you can be")
    expect(before).to_contain_text("Peer mentoring basics")
    expect(before).to_contain_text("Pledge")
    page.get_by_label("What would make this program a success for you?").fill("Present more")
    page.get_by_label(re.compile("I have read the guidelines")).check()
    page.get_by_role("button", name="Enrol").click()
    expect(page.locator(".alert-success")).to_contain_text("You are enrolled in Cross-Team Peers")

    coordinator_page = browser.new_context(base_url=live_server.url).new_page()
    sign_in(coordinator_page, coordinator.email, PASSWORD)
    coordinator_page.goto(f"/learning/training/programs/{program.pk}/")
    expect(coordinator_page.locator("#waiting-on-training")).to_contain_text(participant.name)

    page.goto("/")
    expect(page.locator("#waiting")).to_contain_text(
        "Finish “Peer mentoring basics” and “Pledge” to enter matching."
    )
    page.get_by_role("link", name="Start “Peer mentoring basics”").click()
    expect(page.locator("#training-body")).to_contain_text("Take turns to ask and to share.")
    page.get_by_label("Only the mentor").check()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.locator("#result")).to_contain_text("You scored 0%; the pass mark is 100%")
    page.get_by_label("Both of us").check()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.locator(".alert-success")).to_contain_text("Passed with 100%")

    my_trainings = page.locator("#my-trainings")
    expect(my_trainings).to_contain_text("Pledge")
    expect(my_trainings).not_to_contain_text("Peer mentoring basics")
    my_trainings.get_by_role("link", name="Start").click()
    page.get_by_label("I have read this and agree to it").check()
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.locator(".alert-success")).to_contain_text("Acknowledged")
    expect(page.locator("#my-trainings")).to_contain_text("Nothing to do")

    coordinator_page.reload()
    expect(coordinator_page.locator("#waiting-on-training")).to_contain_text("Nobody is waiting")
    assert [e.person.user for e in pool(program)] == [participant]
    coordinator_page.context.close()


@pytest.mark.django_db(transaction=True)
def test_read_a_library_item_and_mark_it_helpful(page, admin, participant):
    item = resource_save(
        actor=admin,
        program=None,
        kind="article",
        title="Setting SMART goals",
        summary="Goals you will know you reached.",
        body="## Specific\nWhat exactly will be different?",
        stages=["first_month"],
    )
    sign_in(page, participant.email, PASSWORD)
    page.get_by_role("link", name="Library", exact=True).click()
    page.get_by_label("Stage").select_option(label="The first month")
    page.get_by_role("button", name="Filter").click()
    with page.expect_response(lambda r: r.url.endswith("/seen/") and r.status == 204):
        page.get_by_role("link", name="Setting SMART goals").click()
    expect(page.locator("#resource-body h2")).to_have_text("Specific")
    page.get_by_role("button", name="Mark as helpful").click()
    expect(page.locator(".alert-success")).to_contain_text("Marked as helpful")
    assert ResourceView.objects.filter(resource=item).count() == 1
    assert HelpfulMark.objects.filter(resource=item).count() == 1

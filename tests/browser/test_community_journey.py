"""Group sessions and the discussion, from the browser: a full session's waitlist promoted on a
cancellation (with the invitation and its update in the outbox), and a thread moderated."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from tandem.community.models import Rsvp
from tandem.community.services.rsvp import rsvp_join
from tandem.community.services.sessions import SessionData, session_create
from tandem.notify.models import OutboxMessage
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, EnrolmentFactory, PersonFactory, ProgramFactory


def _people(program, count):
    users = []
    for index in range(count):
        person = PersonFactory(
            user__email=f"b{index}@example.com",
            user__name=f"Member {index}",
            timezone="Europe/Berlin",
        )
        EnrolmentFactory(program=program, person=person)
        users.append(person.user)
    return users


def _ics(message: OutboxMessage) -> Calendar:
    return Calendar.from_ical(base64.b64decode(message.attachments[0]["content"]))


@pytest.mark.django_db(transaction=True)
def test_waitlist_promoted_on_a_cancellation_with_an_updated_invitation(
    page, browser, live_server, coordinator
):
    program = ProgramFactory(coordinators=[coordinator], status="active", name="Eng peers")
    first, waiting = _people(program, 2)
    (session,) = session_create(
        actor=coordinator,
        program=program,
        announce=False,
        data=SessionData(
            kind="lunch_learn",
            title="Giving feedback that lands",
            starts_at=timezone.now() + timedelta(days=3),
            capacity=1,
            online_url="https://meet.example.com/feedback",
            timezone="Europe/Berlin",
        ),
    )
    rsvp_join(user=first, session_id=session.pk)

    sign_in(page, waiting.email, PASSWORD)
    page.get_by_role("link", name="Community", exact=True).click()
    page.get_by_role("link", name="Giving feedback that lands").click()
    expect(page.locator("#places")).to_contain_text("1 of 1 taken")
    page.get_by_role("button", name="Join the waitlist").click()
    expect(page.locator("#rsvp-status")).to_contain_text("On the waitlist (number 1)")

    other = browser.new_context(base_url=live_server.url).new_page()
    sign_in(other, first.email, PASSWORD)
    other.goto(f"/community/sessions/{session.pk}/")
    other.get_by_role("button", name="Cancel my place").click()
    expect(other.locator(".alert-success")).to_contain_text("no longer going")

    page.reload()
    expect(page.locator("#rsvp-status")).to_contain_text("You're going")
    promoted = OutboxMessage.objects.get(user=waiting, kind="session_promoted")
    assert promoted.attachments[0]["filename"] == "invite.ics"
    event = _ics(promoted).walk("VEVENT")[0]
    assert str(event["UID"]) == session.uid and int(event["SEQUENCE"]) == 0

    host = browser.new_context(base_url=live_server.url).new_page()
    sign_in(host, coordinator.email, PASSWORD)
    host.goto(f"/community/sessions/{session.pk}/")
    host.get_by_role("link", name="Change").click()
    host.get_by_label("Place").fill("Room Ada, 3rd floor")
    host.get_by_role("button", name="Save and send the update").click()
    expect(host.locator(".alert-success")).to_contain_text("updated invitation")
    update = OutboxMessage.objects.get(user=waiting, kind="session_updated")
    calendar = _ics(update)
    assert calendar["METHOD"] == "REQUEST"
    assert int(calendar.walk("VEVENT")[0]["SEQUENCE"]) == 1
    assert "Room Ada" in str(calendar.walk("VEVENT")[0]["LOCATION"])
    assert Rsvp.objects.get(user=waiting).status == "going"


@pytest.mark.django_db(transaction=True)
def test_a_thread_is_posted_answered_and_moderated(page, browser, live_server, coordinator):
    program = ProgramFactory(coordinators=[coordinator], status="active", name="Eng peers")
    author, replier = _people(program, 2)

    sign_in(page, author.email, PASSWORD)
    page.goto(f"/community/program/{program.pk}/")
    page.get_by_role("link", name="Start a thread").click()
    page.get_by_label("Title").fill("How do you open a first meeting?")
    page.get_by_label("Message").fill("I start with **one question**: what would make this useful?")
    page.get_by_role("button", name="Post").click()
    expect(page.locator(".post-body strong")).to_have_text("one question")

    other = browser.new_context(base_url=live_server.url).new_page()
    sign_in(other, replier.email, PASSWORD)
    other.goto(f"/community/program/{program.pk}/")
    other.get_by_role("link", name="How do you open a first meeting?").click()
    other.get_by_label("Your reply").fill("Same here, plus a shared agenda doc.")
    other.get_by_role("button", name="Reply").click()
    expect(other.locator(".post")).to_have_count(2)

    mod = browser.new_context(base_url=live_server.url).new_page()
    sign_in(mod, coordinator.email, PASSWORD)
    mod.goto(f"/community/program/{program.pk}/")
    mod.get_by_role("link", name="How do you open a first meeting?").click()
    mod.locator(".post").nth(1).get_by_role("button", name="Hide").click()
    expect(mod.locator(".post").nth(1)).to_contain_text("hidden")
    mod.get_by_role("button", name="Lock").click()
    expect(mod.locator("#locked")).to_be_visible()

    other.reload()
    expect(other.locator(".post")).to_have_count(1)
    expect(other.get_by_text("This thread is locked")).to_be_visible()

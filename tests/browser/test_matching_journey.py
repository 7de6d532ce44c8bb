"""A coordinator runs the matching, locks a pair, re-runs and publishes; a participant accepts."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tandem.matches.models import PairRule
from tandem.relationships.models import Membership
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD
from tests.matches.conftest import matching_program


@pytest.mark.django_db(transaction=True)
def test_run_lock_rerun_publish_accept(page, browser, live_server, coordinator):
    program = matching_program(coordinator, 8)
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, coordinator.email, PASSWORD)
    page.goto(f"/matches/programs/{program.pk}/")
    page.get_by_role("button", name="Run matching").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Run #\d+"))).to_be_visible()
    expect(page.locator("main")).to_contain_text("8/8")
    expect(page.locator("svg.chart")).to_be_visible()

    first_row = page.locator("#proposals tbody tr").first
    names = first_row.locator("strong").all_inner_texts()
    first_row.get_by_role("button", name="Lock").click()
    expect(page.locator(".alert-success")).to_contain_text("will always be matched")
    assert PairRule.objects.filter(program=program, kind="lock").count() == 1

    page.get_by_role("button", name="Re-run with locks and forbids").click()
    locked_row = page.locator("#proposals tbody tr", has=page.locator(".badge", has_text="locked"))
    expect(locked_row).to_have_count(1)
    for name in names:
        expect(locked_row).to_contain_text(name)

    page.get_by_role("button", name=re.compile(r"^Publish \d+ matches")).click()
    expect(page.locator(".alert-success")).to_contain_text("Published 4 matches")
    expect(page.locator("#relationships")).to_contain_text("Proposed")

    membership = Membership.objects.select_related("person__user").get(person__user__name=names[0])
    person = browser.new_context(base_url=live_server.url).new_page()
    sign_in(person, membership.person.user.email, PASSWORD)
    person.get_by_role("link", name="My matches").click()
    person.get_by_role("link", name="Open").click()
    expect(person.get_by_role("heading", name=f"You and {names[1]}")).to_be_visible()
    expect(person.locator("main")).to_contain_text("Why you were matched")
    person.get_by_role("button", name="Accept").click()
    expect(person.locator(".alert-success")).to_contain_text("You accepted")
    membership.refresh_from_db()
    assert membership.accepted_at is not None

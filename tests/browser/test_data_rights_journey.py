"""Issue 17 in the browser: a person downloads their data; a person asks for erasure, an admin
carries it out, and the partner's page shows a pseudonym."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from playwright.sync_api import expect

from tandem.people.models import ErasureRequest
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD
from tests.people.data_rights_world import EMAIL, NAME, PARTNER_NOTE, build_world


def _open_data_page(page) -> None:
    page.locator("details.usermenu summary").click()
    page.get_by_role("link", name="Your data", exact=True).click()
    expect(page.get_by_role("heading", name="Your data", exact=True)).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_a_participant_downloads_everything_as_a_zip(page, coordinator, tmp_path):
    build_world(coordinator)
    sign_in(page, EMAIL, PASSWORD)
    _open_data_page(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download my data (ZIP)").click()
    download = info.value
    assert re.fullmatch(r"tandem-my-data-\d{8}-\d{4}\.zip", download.suggested_filename)
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        assert set(archive.namelist()) == {"data.json", "index.html", "README.txt"}
        document = json.loads(archive.read("data.json"))
        html = archive.read("index.html").decode()
    assert document["person"] == {"name": NAME, "email": EMAIL}
    for key in (
        "people.profile",
        "programs.enrolments",
        "relationships.matches",
        "relationships.private_notes",
        "relationships.meeting_logs",
        "feedback.survey_participation",
        "notify.messages",
        "audit.about_you",
    ):
        assert document["sections"][key]["items"], key
    notes = [n["text"] for n in document["sections"]["relationships.private_notes"]["items"]]
    assert PARTNER_NOTE in notes and "Zoe's private note" in notes

    # the HTML page reads on its own, opened from the disk (no scripts, no links out)
    html_file = tmp_path / "index.html"
    html_file.write_text(html)
    page.goto(html_file.as_uri())
    expect(page.get_by_role("heading", name="Your data in Tandem")).to_be_visible()
    expect(page.locator("#relationships\\.private_notes")).to_contain_text("Zoe's private note")
    expect(page.get_by_role("link", name=re.compile("^Private notes"))).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_erasure_is_requested_carried_out_and_leaves_a_pseudonym(
    page, browser, live_server, coordinator, admin
):
    world = build_world(coordinator)
    page.on("dialog", lambda dialog: dialog.accept())

    # Zoe asks for erasure; the box must be ticked
    sign_in(page, EMAIL, PASSWORD)
    _open_data_page(page)
    page.get_by_role("button", name="Request erasure").click()
    expect(page.locator("#erase")).to_contain_text("Tick the box")
    page.get_by_label(re.compile("^I understand")).check()
    page.get_by_role("button", name="Request erasure").click()
    expect(page.locator(".messages")).to_contain_text("Your request is recorded")
    expect(page.get_by_role("button", name="Cancel my request")).to_be_visible()

    # an admin carries it out from the queue
    admin_context = browser.new_context(base_url=live_server.url)
    admin_page = admin_context.new_page()
    admin_page.on("dialog", lambda dialog: dialog.accept())
    sign_in(admin_page, admin.email, PASSWORD)
    admin_page.locator("details.usermenu summary").click()
    admin_page.get_by_role("link", name="Erasure requests").click()
    row = admin_page.get_by_role("row", name=re.compile(NAME))
    expect(row).to_contain_text("themselves")
    row.get_by_role("button", name="Carry out now").click()
    expect(admin_page.locator(".messages")).to_contain_text("Erased. The person is now")
    pseudonym = ErasureRequest.objects.get().pseudonym
    expect(admin_page.locator("main")).to_contain_text(pseudonym)
    expect(admin_page.locator("main")).not_to_contain_text(NAME)
    admin_context.close()

    # Zoe's session is over and she cannot sign in again
    page.goto("/")
    expect(page).to_have_url(re.compile("/accounts/login/"))
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("main")).to_contain_text("do not match an active account")

    # the partner's page shows the pseudonym, never her name; the partner's note stays
    partner_context = browser.new_context(base_url=live_server.url)
    partner = partner_context.new_page()
    sign_in(partner, world.partner.user.email, PASSWORD)
    partner.goto(f"/relationships/{world.relationship.pk}/")
    expect(partner.get_by_role("heading", level=1)).to_contain_text(pseudonym)
    expect(partner.locator("main")).not_to_contain_text(NAME)
    expect(partner.locator("main")).to_contain_text(PARTNER_NOTE)
    partner_context.close()

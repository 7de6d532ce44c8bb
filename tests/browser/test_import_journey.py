"""An admin imports people from a CSV in the browser; an invited person sets a password."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tandem.notify.models import OutboxMessage
from tandem.people.models import Person
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD

CSV = (
    "Courriel,Full Name,Department,Manager Email,Level,Time Zone\n"
    "lena@acme.test,Lena Lind,Engineering,,6,Europe/Stockholm\n"
    "omar@acme.test,Omar Odeh,Engineering,lena@acme.test,3,Asia/Dubai\n"
)


@pytest.mark.django_db(transaction=True)
def test_admin_imports_a_csv_and_an_invited_person_signs_in(
    page, admin, tmp_path, browser, live_server
):
    csv_file = tmp_path / "hr-export.csv"
    csv_file.write_text(CSV)

    sign_in(page, admin.email, PASSWORD)
    page.locator("details.usermenu summary").click()  # administration lives in the account menu
    page.get_by_role("link", name="Import people", exact=True).click()
    page.get_by_label("HR export").set_input_files(str(csv_file))
    page.get_by_role("button", name="Upload and preview").click()

    # "Courriel" is not a header Tandem knows, so the file cannot be imported yet
    expect(page.get_by_role("heading", name="Check the columns")).to_be_visible()
    expect(page.locator("#import-errors")).to_contain_text("No column is mapped to Email")
    expect(page.get_by_role("button", name=re.compile("^Import"))).to_have_count(0)

    # map the column: the preview updates in place (htmx)
    page.get_by_label("Courriel").select_option(label="Email")
    expect(page.locator("#import-preview")).to_contain_text("omar@acme.test")
    expect(page.locator("#preview-panel")).to_contain_text(re.compile(r"2\s*new people"))
    page.get_by_label("Email an invitation to each new person").check()
    page.screenshot(path=str(tmp_path / "preview.png"), full_page=True)
    page.get_by_role("button", name=re.compile(r"^Import: 2 new, 0 updated")).click()

    expect(page.get_by_role("heading", name="Import complete")).to_be_visible()
    expect(page.locator("main")).to_contain_text(re.compile(r"2\s*invitations sent"))
    omar = Person.objects.select_related("manager__user").get(user__email="omar@acme.test")
    assert omar.manager.user.email == "lena@acme.test" and omar.level == 3

    # Omar follows the link from his invitation email
    body = OutboxMessage.objects.get(kind="invitation", recipient="omar@acme.test").body_text
    path = re.search(r"https?://[^/\s]+(/accounts/invitation/\S+/)", body).group(1)
    context = browser.new_context(base_url=live_server.url)
    invited = context.new_page()
    invited.goto(path)
    expect(invited.get_by_role("heading", name="Welcome, Omar")).to_be_visible()
    invited.locator("#id_new_password1").fill("weak")
    invited.get_by_label("New password confirmation").fill("weak")
    invited.get_by_role("button", name="Set password and sign in").click()
    expect(invited.locator(".errorlist")).to_contain_text("This password is too short")
    invited.locator("#id_new_password1").fill("dromedary sunrise 42")
    invited.get_by_label("New password confirmation").fill("dromedary sunrise 42")
    invited.get_by_role("button", name="Set password and sign in").click()
    expect(invited.get_by_role("heading", name="Hello, Omar")).to_be_visible()
    context.close()

    # and can sign in again later with the new password
    fresh = browser.new_context(base_url=live_server.url).new_page()
    sign_in(fresh, "omar@acme.test", "dromedary sunrise 42")
    expect(fresh.get_by_role("heading", name="Hello, Omar")).to_be_visible()

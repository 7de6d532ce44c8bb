"""A participant sets their notification preferences in the browser, and an email's one-click
unsubscribe page works without signing in."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tandem.notify.models import NotificationPreference
from tandem.notify.unsubscribe import unsubscribe_token
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_preferences_page_in_the_browser(page, participant, tmp_path):
    sign_in(page, participant.email, PASSWORD)
    page.locator("details.usermenu summary").click()
    page.get_by_role("link", name="Notifications").click()
    page.wait_for_url("**/settings/notifications/")
    expect(page.get_by_text("Europe/Berlin")).to_be_visible()
    expect(page.get_by_text("Slack and Microsoft Teams are not offered")).to_be_visible()
    page.get_by_label("Nudges and check-ins").select_option("off")
    page.get_by_label("Quiet hours from").fill("20:00")
    page.get_by_label("until", exact=True).fill("08:00")
    for day in ("Mon", "Tue", "Wed", "Thu", "Fri"):
        page.get_by_label(day).check()
    page.get_by_label("In a weekly digest").check()
    page.screenshot(path=str(tmp_path / "notifications.png"), full_page=True)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your notification settings are saved.")).to_be_visible()
    pref = NotificationPreference.objects.get(user=participant)
    assert pref.channels["nudges"] == "off" and pref.channels["matches"] == "email"
    assert pref.working_days == [0, 1, 2, 3, 4] and pref.low_priority == "weekly"
    assert str(pref.quiet_start) == "20:00:00"
    # the saved choice is shown again
    expect(page.get_by_label("Nudges and check-ins")).to_have_value("off")

    page.context.clear_cookies()
    page.goto(f"/u/{unsubscribe_token(participant.pk, 'surveys')}/")
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_text("You are unsubscribed")).to_be_visible()
    pref.refresh_from_db()
    assert pref.channels["surveys"] == "off" and pref.channels["nudges"] == "off"

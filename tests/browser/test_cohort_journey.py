"""From a spreadsheet of people with their answers to published matches in ten page loads; later
the coordinator's desk shows a match at risk and the Monday digest says so."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tandem.insights.digest import send_weekly_digests
from tandem.notify.models import OutboxMessage
from tandem.programs.models import Enrolment
from tandem.relationships import reminders
from tandem.relationships.models import Relationship
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, DepartmentFactory, PersonFactory, SkillFactory

SKILLS = ("SQL", "Public speaking", "Negotiation", "Forecasting")


def _cohort_csv() -> str:
    sales = DepartmentFactory(name="Sales")
    rows = [
        "Email,Name,What can you help others with?,skills_wanted,Goals,Level,Department,"
        "Time zone,Languages"
    ]
    for index in range(8):
        person = PersonFactory(
            user__email=f"rep{index}@acme.test", user__name=f"Rep {index}", department=sales
        )
        offers, wants = SKILLS[index % 4], SKILLS[(index + 1) % 4]
        rows.append(
            f"{person.user.email},{person.user.name},{offers},{wants},Grow as a seller,"
            f"{3 + index % 3},Sales,Europe/Berlin,English"
        )
    return "\n".join(rows) + "\n"


@pytest.mark.django_db(transaction=True)
def test_spreadsheet_to_published_matches_then_the_desk_and_the_digest(
    page, live_server, coordinator, tmp_path
):
    for name in SKILLS:
        SkillFactory(name=name)
    cohort = tmp_path / "survey-export.csv"
    cohort.write_text(_cohort_csv())
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, coordinator.email, PASSWORD)

    loads: list[str] = []
    page.on(
        "framenavigated",
        lambda frame: loads.append(frame.url) if frame == page.main_frame else None,
    )
    page.goto("/programs/new/")
    page.get_by_label("Name").fill("Sales Peers")
    page.get_by_label("Kind").select_option(label="Peer pairs")
    page.get_by_label("Confidentiality statement").fill("What is said stays between you.")
    page.get_by_label("Code of conduct").fill("Be on time; listen first.")
    page.get_by_role("button", name="Create program").click()
    page.get_by_role("link", name="Import answers from a spreadsheet").click()
    page.get_by_label("Spreadsheet of people and their answers").set_input_files(str(cohort))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator("main")).to_contain_text("no problems found")
    page.get_by_role("button", name="Enrol 8 people").click()
    expect(page.locator(".alert-success")).to_contain_text("8 people enrolled")
    page.get_by_role("link", name="Start matching the imported cohort…").click()
    expect(page.locator("main")).to_contain_text("Matching starts with the 8 people you brought in")
    page.get_by_role("button", name="Start matching the imported cohort").click()
    expect(page.locator(".alert-success")).to_contain_text("The program is now matching")
    page.get_by_role("link", name="Matching", exact=True).first.click()
    page.get_by_role("button", name="Run matching").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Run #\d+"))).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Publish 4 matches")).click()
    expect(page.locator(".alert-success")).to_contain_text("Published 4 matches")
    print(f"page loads from a new program to published matches: {len(loads)}")
    assert len(loads) <= 10, loads
    assert Enrolment.objects.filter(source="import").count() == 8

    # A month later one pair has still not met: the desk and the digest say so.
    stalled = Relationship.objects.filter(program__name="Sales Peers").first()
    Relationship.objects.filter(program__name="Sales Peers").update(
        status="active", activated_at=timezone.now() - timedelta(days=2)
    )
    Relationship.objects.filter(pk=stalled.pk).update(
        activated_at=timezone.now() - timedelta(days=40)
    )
    reminders.cadence_and_inactivity(timezone.now())
    page.goto("/")
    desk = page.locator("#desk")
    expect(desk).to_contain_text("Sales Peers")
    expect(desk).to_contain_text("1 match is at risk")
    desk.get_by_role("link", name="See why").click()
    expect(page.locator(f"#relationship-{stalled.pk}")).to_contain_text("No first meeting")
    assert (
        OutboxMessage.objects.filter(kind="at_risk_alert", recipient=coordinator.email).count() == 1
    )

    next_monday = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())
    send_weekly_digests(
        datetime.combine(next_monday, datetime.min.time(), UTC) + timedelta(hours=9)
    )
    digest = OutboxMessage.objects.get(kind="coordinator_digest", recipient=coordinator.email)
    assert "Sales Peers\n- 1 match is at risk" in digest.body_text

"""A coordinator opens the dashboard, filters it, sees the charts and downloads the report."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tandem.people.models import Department
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD
from tests.matches.conftest import matching_program


@pytest.mark.django_db(transaction=True)
def test_dashboard_filters_charts_and_report(page, coordinator):
    from tandem.matches.services.publish import run_publish
    from tandem.matches.services.runs import run_create
    from tandem.matches.solving import run_execute

    program = matching_program(coordinator, 12)
    run = run_create(actor=coordinator, program=program)
    run_execute(run.pk)
    run_publish(actor=coordinator, run=run)
    sign_in(page, coordinator.email, PASSWORD)
    page.goto(f"/programs/{program.pk}/")
    page.get_by_role("link", name="Dashboard").click()
    expect(page.locator("#kpis")).to_contain_text("Match rate")
    expect(page.locator("#kpis")).to_contain_text("100%")
    expect(page.locator("svg.chart").first).to_be_visible()

    small = Department.objects.get(name="Dept 0")  # 3 of the 12 people: too small to show
    page.get_by_label("Department").select_option(label=small.name)
    expect(page.locator("#board")).to_contain_text("This filter is not available")
    expect(page).to_have_url(re.compile(rf"department={small.pk}"))
    page.get_by_label("Department").select_option(label="All departments")
    expect(page.locator("#kpis")).to_contain_text("People enrolled")

    page.get_by_role("link", name="Leadership report").click()
    expect(page.get_by_role("heading", name=program.name)).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    path = download.value.path()
    with open(path, "rb") as handle:
        assert handle.read(4) == b"%PDF"

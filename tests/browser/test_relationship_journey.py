"""A pair lives its first meeting: kickoff from suggested slots, agenda, log with hats, a goal."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tandem.programs.models import Program, ProgramStatus
from tandem.relationships.models import Goal, LoggedTopic, Meeting, Membership, Relationship
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, make_program


@pytest.mark.django_db(transaction=True)
def test_kickoff_agenda_log_with_hats_and_a_goal(page, coordinator, participant, outsider):
    program = make_program(coordinator, status="enrolling")
    Program.objects.filter(pk=program.pk).update(status=ProgramStatus.ACTIVE)
    relationship = Relationship.objects.create(
        program=program, status="active", activated_at=timezone.now()
    )
    for user in (participant, outsider):
        Membership.objects.create(
            relationship=relationship, person=user.person, accepted_at=timezone.now()
        )
    page.on("dialog", lambda dialog: dialog.accept())

    sign_in(page, participant.email, PASSWORD)
    page.get_by_role("link", name="Open").first.click()
    page.get_by_role("link", name="Plan the kickoff").click()
    page.locator("label.slot").first.click()  # a suggested time that suits both
    page.get_by_role("button", name="Schedule and send invitations").click()
    expect(page.get_by_role("heading", name="Kickoff meeting")).to_be_visible()
    expect(page.locator("#agenda")).to_contain_text("what's going well, and what's not")

    page.get_by_label("Add to the agenda").fill("How to prepare my first conference talk")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("#agenda")).to_contain_text("How to prepare my first conference talk")

    meeting = Meeting.objects.get(relationship=relationship)
    past = timezone.now() - timedelta(hours=3)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=past, ends_at=past + timedelta(hours=1))
    page.reload()
    page.get_by_label("Topic 1", exact=True).fill("Conference talk outline")
    page.get_by_label("Brought by (topic 1)").select_option(label=participant.name)
    page.get_by_label("Topic 2", exact=True).fill("Running retros")
    page.get_by_label("Brought by (topic 2)").select_option(label=outsider.name)
    page.get_by_label("What I took away").fill("Start from the one thing people should remember.")
    page.get_by_label("Private note").fill("Olly is nervous about the reorg.")
    page.get_by_role("button", name="Save my log").click()
    expect(page.locator(".alert-success")).to_contain_text("Meeting logged")
    bringers = dict(LoggedTopic.objects.values_list("title", "brought_by__user__email"))
    assert bringers == {
        "Conference talk outline": participant.email,
        "Running retros": outsider.email,
    }

    page.get_by_role("link", name=re.compile("Pat & Olly|Olly & Pat")).click()
    expect(page.locator("main")).to_contain_text("Balanced")
    page.get_by_role("link", name="Add a goal").first.click()
    page.get_by_label("Specific: what do you want to achieve?").fill(
        "Give my first conference talk"
    )
    page.get_by_label("Measurable: how will you know?").fill("talks given")
    page.get_by_label(re.compile(r"^Target\b")).fill("1 talk")
    page.get_by_label("Time-bound: by when?").fill(
        (timezone.localdate() + timedelta(days=90)).isoformat()
    )
    page.get_by_role("button", name="Add goal").click()
    expect(page.locator(".alert-success")).to_contain_text("Goal added")
    page.get_by_role("link", name="Give my first conference talk").click()
    page.get_by_label("Progress (%)").fill("30")
    page.get_by_label("What happened").fill("Outline done")
    page.get_by_role("button", name="Save progress").click()
    expect(page.locator("main")).to_contain_text("30% — Outline done")
    assert Goal.objects.get().progress == 30

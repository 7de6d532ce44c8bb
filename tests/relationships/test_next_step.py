"""One "what next" for a participant, the same on home, the match page and the relationship page:
answer → plan the kickoff → hold it (and log it) → set a goal → keep meeting → closing summary."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.matches.models import UnmatchedPerson
from tandem.relationships.models import ClosingSummary, MeetingLog, MeetingStatus
from tandem.relationships.next_step import next_step
from tandem.relationships.selectors import due_items
from tests.conftest import client_for
from tests.factories import (
    EnrolmentFactory,
    GoalFactory,
    MatchRunFactory,
    MeetingFactory,
    ProgramFactory,
    RelationshipFactory,
    SurveyFactory,
)

pytestmark = pytest.mark.django_db


def steps(relationship, person):
    return next_step(relationship, person).text


def test_the_steps_follow_the_life_of_a_match(participant, outsider):
    me = participant.person
    match = RelationshipFactory(status="proposed", members=[me, outsider.person])
    mine = match.members.get(person=me)
    assert steps(match, me).startswith("Answer your match by")
    mine.accepted_at = timezone.now()
    mine.save()
    assert steps(match, me) == f"You accepted; waiting for {outsider.name} to answer."

    match.status = "active"
    match.save()
    assert next_step(match, me).url.endswith("?kind=kickoff")
    kickoff = MeetingFactory(relationship=match, kind="kickoff")
    assert steps(match, me).startswith("Your kickoff is on")

    kickoff.status = MeetingStatus.HELD
    kickoff.starts_at = timezone.now() - timedelta(days=1)
    kickoff.ends_at = kickoff.starts_at + timedelta(hours=1)
    kickoff.save()
    assert steps(match, me).startswith("Log your kickoff meeting of")
    MeetingLog.objects.create(meeting=kickoff, author=me)
    assert steps(match, me) == "Set your first goal"
    GoalFactory(relationship=match, owner=me)
    assert steps(match, me) == "Plan your next meeting"
    MeetingFactory(relationship=match)
    assert steps(match, me).startswith("Next meeting")

    match.status = "ended"
    match.ended_at = timezone.now()
    match.save()
    assert steps(match, me).startswith("Write your closing summary")
    ClosingSummary.objects.create(
        membership=mine,
        achieved="Two talks",
        learned="A lot",
        would_recommend_partner=True,
        would_do_again=True,
    )
    assert steps(match, me) == "This match has ended; your summary is saved."


def test_a_declined_match_never_says_say_hello(participant, outsider):
    match = RelationshipFactory(status="declined", members=[participant.person, outsider.person])
    membership = match.members.get(person=participant.person)
    page = client_for(participant).get(reverse("matches:my_match", args=[membership.pk]))
    html = page.content.decode()
    assert "did not go ahead" in html and "Say hello" not in html and "Find a time" not in html


def test_home_relationship_and_match_pages_agree(participant, outsider):
    match = RelationshipFactory(members=[participant.person, outsider.person])
    client = client_for(participant)
    home = client.get("/").content.decode()
    detail = client.get(reverse("relationships:detail", args=[match.pk])).content.decode()
    assert "Plan your kickoff meeting" in home and "Plan your kickoff meeting" in detail
    assert [i.text for i in due_items(participant)] == [
        f"Plan your kickoff meeting — {match.program.name}"
    ]


def test_an_open_survey_is_on_home_until_answered(participant):
    program = ProgramFactory(status="active")
    survey = SurveyFactory(program=program, status="open", invited=[participant.person])
    home = client_for(participant).get("/").content.decode()
    assert f"Answer “{survey.title}” by" in home
    assert reverse("feedback:respond", args=[survey.pk]) in home


def test_an_unmatched_person_is_told_why_and_what_happens_next(participant):
    coffee = ProgramFactory(kind="coffee_rotation", status="active")
    EnrolmentFactory(program=coffee, person=participant.person)
    run = MatchRunFactory(program=coffee, status="published")
    UnmatchedPerson.objects.create(
        run=run, person=participant.person, reason="Odd number this round."
    )
    enrolling = ProgramFactory(status="enrolling", name="Spring peers")
    EnrolmentFactory(program=enrolling, person=participant.person)

    home = client_for(participant).get("/").content.decode()
    assert "Waiting for a match" in home
    assert "You were not paired this round. Why: Odd number this round." in home
    assert "You are first in line for the next round." in home
    assert "You are enrolled. Enrolment closes on" in home

"""The participation loop on a fixed timeline: "did you meet?" → answer → meeting log, health and
counters; three unanswered check-ins → the ghost rule; answers from the email's signed links."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tandem.notify.actions import dispatch
from tandem.notify.models import OutboxMessage
from tandem.relationships import reminders
from tandem.relationships.models import (
    Checkin,
    Meeting,
    MeetingStatus,
    Membership,
    Relationship,
    RelationshipStatus,
)
from tandem.relationships.services.checkins import ghost_rule
from tests.relationships.test_lifecycle import BERLIN

pytestmark = pytest.mark.django_db


def past_meeting(pair, organiser, days_ago: int, n: int = 0) -> Meeting:
    start = timezone.now() - timedelta(days=days_ago, hours=3)
    return Meeting.objects.create(
        relationship=pair,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        timezone=BERLIN,
        uid=f"past-{days_ago}-{n}@test",
        organiser=organiser.person,
    )


def button_path(message: OutboxMessage, label: str) -> str:
    line = next(ln for ln in message.body_text.splitlines() if ln.startswith(f"{label}: "))
    return "/" + line.split("://", 1)[1].split("/", 1)[1]


def asked(user) -> OutboxMessage:
    return OutboxMessage.objects.filter(kind="did_you_meet", user=user).latest("id")


def test_did_you_meet_yes_from_the_email_marks_the_meeting_and_feeds_health(
    pair, participant, outsider
):
    meeting = past_meeting(pair, participant, 0)
    assert reminders.log_prompts(timezone.now()) == 2
    assert reminders.log_prompts(timezone.now()) == 0  # asked once
    message = asked(participant)
    assert message.category == "meetings" and "Did it happen?" in message.body_text
    response = Client().post(button_path(message, "Yes, we met"))
    assert response.status_code == 200 and b"We noted that you met" in response.content
    meeting.refresh_from_db()
    pair.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert pair.meetings_held == 1 and pair.last_meeting_at == meeting.starts_at
    assert Checkin.objects.get(membership__person=participant.person).answer == "yes"
    from tandem.insights.kpis.dashboards import organisation

    (row,) = organisation([pair.program])
    assert row.held == 1  # the KPI "meetings held" counts the answer


def test_yes_and_log_leads_to_the_meeting_log(pair, participant):
    meeting = past_meeting(pair, participant, 0)
    reminders.log_prompts(timezone.now())
    checkin = Checkin.objects.get(membership__person=participant.person)
    result = dispatch("relationships.did_you_meet", participant, f"{checkin.pk}:log")
    assert result.ok and result.url.endswith(f"/meetings/{meeting.pk}/log/")


def test_no_marks_it_missed_and_not_yet_offers_the_slot_finder(pair, participant, outsider):
    meeting = past_meeting(pair, participant, 0)
    reminders.log_prompts(timezone.now())
    mine = Checkin.objects.get(membership__person=participant.person)
    theirs = Checkin.objects.get(membership__person=outsider.person)
    later = dispatch("relationships.did_you_meet", outsider, f"{theirs.pk}:not_yet")
    assert later.ok and later.url.endswith(f"/relationships/{pair.pk}/schedule/")
    assert dispatch("relationships.did_you_meet", participant, f"{mine.pk}:no").ok
    meeting.refresh_from_db()
    pair.refresh_from_db()
    assert meeting.status == MeetingStatus.MISSED and pair.meetings_missed == 1


def test_nobody_answers_for_someone_else(pair, participant, outsider):
    past_meeting(pair, participant, 0)
    reminders.log_prompts(timezone.now())
    mine = Checkin.objects.get(membership__person=participant.person)
    refused = dispatch("relationships.did_you_meet", outsider, f"{mine.pk}:yes")
    assert not refused.ok
    assert not dispatch("relationships.did_you_meet", participant, "zz:yes").ok
    assert not dispatch("relationships.did_you_meet", participant, f"{mine.pk}:maybe").ok
    assert Checkin.objects.filter(answered_at__isnull=False).count() == 0


def ignore_three(pair, participant, outsider) -> None:
    """Three meetings pass; ``outsider`` answers every time, ``participant`` never; then the
    periodic pass runs once the last question has had its three days."""
    for n, days_ago in enumerate((9, 7, 5)):
        past_meeting(pair, participant, days_ago, n)
        reminders.log_prompts(timezone.now() - timedelta(days=days_ago - 1))
        theirs = Checkin.objects.filter(membership__person=outsider.person).latest("asked_at")
        assert dispatch("relationships.did_you_meet", outsider, f"{theirs.pk}:not_yet").ok
    assert ghost_rule(now=timezone.now()) == 1
    assert ghost_rule(now=timezone.now()) == 0  # once


def test_a_question_still_within_its_grace_does_not_count(pair, participant, outsider):
    for n, days_ago in enumerate((9, 7, 1)):
        past_meeting(pair, participant, days_ago, n)
        reminders.log_prompts(timezone.now() - timedelta(days=max(days_ago - 1, 0)))
    assert ghost_rule(now=timezone.now()) == 0
    assert ghost_rule(now=timezone.now() + timedelta(days=3)) == 2  # neither answered


def test_an_answer_breaks_the_streak(pair, participant, outsider):
    for n, days_ago in enumerate((12, 10, 8, 6)):
        past_meeting(pair, participant, days_ago, n)
        reminders.log_prompts(timezone.now() - timedelta(days=days_ago - 1))
        if n == 2:
            mine = Checkin.objects.filter(membership__person=participant.person).latest("asked_at")
            assert dispatch("relationships.did_you_meet", participant, f"{mine.pk}:no").ok
    assert ghost_rule(now=timezone.now()) == 1  # the partner, who never answered
    me = Membership.objects.get(relationship=pair, person=participant.person)
    assert me.ghosted_at is None  # one unanswered since the answer, not three


def test_unanswered_intros_count_too(pair, participant, outsider):
    from tandem.relationships.services.answers import membership_accept
    from tandem.relationships.services.checkins import record_intros

    me = Membership.objects.get(relationship=pair, person=participant.person)
    them = Membership.objects.get(relationship=pair, person=outsider.person)
    record_intros(memberships=[me, them], now=timezone.now() - timedelta(days=10))
    Relationship.objects.filter(pk=pair.pk).update(status=RelationshipStatus.PROPOSED)
    membership_accept(actor=outsider, membership=them)
    assert Checkin.objects.get(membership=them, key="intro").answer == "yes"
    for n, days_ago in enumerate((8, 6)):
        past_meeting(pair, participant, days_ago, n)
        reminders.log_prompts(timezone.now() - timedelta(days=days_ago - 1))
    Relationship.objects.filter(pk=pair.pk).update(status=RelationshipStatus.ACTIVE)
    assert ghost_rule(now=timezone.now()) == 1
    me.refresh_from_db()
    them.refresh_from_db()
    assert me.ghosted_at is not None and them.ghosted_at is None


def test_three_unanswered_check_ins_start_the_ghost_rule(pair, participant, outsider):
    ignore_three(pair, participant, outsider)
    me = Membership.objects.get(relationship=pair, person=participant.person)
    assert me.ghosted_at is not None
    told = OutboxMessage.objects.get(kind="ghost_check")
    assert told.user_id == participant.pk and "not answered the last 3 check-ins" in told.body_text
    assert {"Stay", "Ask me later", "Leave the program"} <= {
        ln.split(":")[0] for ln in told.body_text.splitlines()
    }
    offered = OutboxMessage.objects.get(kind="partner_quiet")
    assert offered.user_id == outsider.pk and "Find me a new match" in offered.body_text
    pair.refresh_from_db()
    assert pair.health == "at_risk"
    assert any("three check-ins in a row unanswered" in r for r in pair.health_reasons)
    from tests.conftest import client_for

    coordinator = pair.program.coordinators.first()
    health = client_for(coordinator).get(f"/relationships/programs/{pair.program_id}/health/")
    assert "three check-ins in a row unanswered" in health.content.decode()
    assert not Membership.objects.filter(relationship=pair, person=outsider.person).exclude(
        ghosted_at=None
    )


def test_stay_clears_the_rule_and_ask_me_later_pauses_check_ins(pair, participant, outsider):
    ignore_three(pair, participant, outsider)
    me = Membership.objects.get(relationship=pair, person=participant.person)
    assert dispatch("relationships.ghost", participant, f"{me.pk}:later").ok
    me.refresh_from_db()
    pair.refresh_from_db()
    assert me.ghosted_at is None and me.checkins_paused_until > timezone.now()
    assert pair.health_reasons == [] or not any("check-ins" in r for r in pair.health_reasons)
    past_meeting(pair, participant, 0, 9)
    reminders.log_prompts(timezone.now())
    assert not Checkin.objects.filter(membership=me, key__startswith="meeting:").filter(
        answered_at__isnull=True
    )


def test_leave_ends_the_match_and_the_enrolment(pair, participant, outsider):
    from tandem.programs.models import Enrolment, EnrolmentStatus

    Enrolment.objects.get_or_create(
        program=pair.program,
        person=participant.person,
        defaults={"accepted_guidelines_at": timezone.now()},
    )
    ignore_three(pair, participant, outsider)
    me = Membership.objects.get(relationship=pair, person=participant.person)
    assert dispatch("relationships.ghost", participant, f"{me.pk}:leave").ok
    pair.refresh_from_db()
    assert pair.status == RelationshipStatus.ENDED and pair.end_reason == "left_program"
    enrolment = Enrolment.objects.get(program=pair.program, person=participant.person)
    assert enrolment.status == EnrolmentStatus.WITHDRAWN


def test_the_partner_can_ask_for_a_new_match(pair, participant, outsider):
    ignore_three(pair, participant, outsider)
    theirs = Membership.objects.get(relationship=pair, person=outsider.person)
    assert not dispatch("relationships.rematch", participant, str(theirs.pk)).ok  # not theirs
    assert dispatch("relationships.rematch", outsider, str(theirs.pk)).ok
    assert Relationship.objects.get(pk=pair.pk).end_reason == "repair"

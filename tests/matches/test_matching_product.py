"""Matching as participants live it: answering a match, the re-match pool, reminders, re-pair
requests and seeing only one's own match. Each coordinator use case has its own module:
``test_criteria``, ``test_pair_rules``, ``test_runs``, ``test_solving``, ``test_review``,
``test_publish``, ``test_rotations``."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tandem.matches.selectors import pool
from tandem.matches.services.publish import run_publish
from tandem.notify.models import OutboxMessage
from tandem.programs.models import Program
from tandem.relationships.models import Membership, Relationship, RelationshipStatus, RepairRequest
from tandem.relationships.services.answers import (
    answer_deadlines,
    membership_accept,
    membership_decline,
    repair_request,
)
from tandem.relationships.services.lifecycle import relationship_end
from tests.conftest import client_for
from tests.matches.conftest import groups, run_now


def test_accept_decline_and_the_rematch_pool(coordinator, program_factory):
    program = program_factory(8)
    run_publish(actor=coordinator, run=run_now(coordinator, program))
    first, second = Relationship.objects.filter(program=program)[:2]
    a, b = first.members.select_related("person__user")
    membership_accept(actor=a.person.user, membership=a)
    first.refresh_from_db()
    assert first.status == RelationshipStatus.PROPOSED  # both must accept
    membership_accept(actor=b.person.user, membership=b)
    first.refresh_from_db()
    assert first.status == RelationshipStatus.ACTIVE

    c, d = second.members.select_related("person__user")
    membership_decline(actor=c.person.user, membership=c, reason="We sit together")
    second.refresh_from_db()
    assert second.status == RelationshipStatus.DECLINED
    assert OutboxMessage.objects.filter(
        kind="match_declined", recipient=d.person.user.email
    ).exists()
    declined_email = OutboxMessage.objects.get(kind="match_declined")
    assert "We sit together" not in declined_email.body_text  # the reason stays private
    in_pool = {e.person_id for e in pool(program)}
    assert {c.person_id, d.person_id} <= in_pool

    rematch = run_now(coordinator, program, purpose="rematch")
    assert rematch.participants == len(in_pool)
    assert {c.person_id, d.person_id} not in groups(rematch)  # not the declined pair again


def test_both_need_not_accept_when_the_program_says_so(coordinator, program_factory):
    program = program_factory(4)
    Program.objects.filter(pk=program.pk).update(both_must_accept=False)
    relationships = run_publish(actor=coordinator, run=run_now(coordinator, program))
    assert {r.status for r in relationships} == {RelationshipStatus.ACTIVE}


def test_unanswered_matches_are_reminded_then_escalated(coordinator, program_factory):
    program = program_factory(4)
    run_publish(actor=coordinator, run=run_now(coordinator, program))
    today = timezone.localdate()
    assert answer_deadlines(today=today) == (0, 0)
    later = today + timedelta(days=program.response_days + 1)
    assert answer_deadlines(today=later) == (4, 0)
    assert answer_deadlines(today=later) == (0, 0)  # safe to run twice
    assert answer_deadlines(today=later + timedelta(days=2)) == (0, 4)
    assert (
        OutboxMessage.objects.filter(
            kind="match_unanswered_alert", recipient=coordinator.email
        ).count()
        == 4
    )


def test_repair_request_is_confidential_and_ending_returns_both_to_the_pool(
    coordinator, program_factory, admin
):
    program = program_factory(6)
    run_publish(actor=coordinator, run=run_now(coordinator, program))
    relationship = Relationship.objects.filter(program=program).first()
    asker, partner = relationship.members.select_related("person__user")
    repair_request(actor=asker.person.user, relationship=relationship, reason="SECRET-REASON-42")
    assert not OutboxMessage.objects.filter(
        recipient=partner.person.user.email, kind="repair_requested"
    ).exists()
    alert = OutboxMessage.objects.get(kind="repair_requested")
    assert alert.recipient == coordinator.email and "SECRET-REASON-42" not in alert.body_text
    partner_page = client_for(partner.person.user).get(f"/matches/m/{partner.pk}/").content.decode()
    assert "SECRET-REASON-42" not in partner_page and asker.person.user.name in partner_page
    coordinator_page = (
        client_for(coordinator).get(f"/matches/programs/{program.pk}/").content.decode()
    )
    assert "SECRET-REASON-42" in coordinator_page
    relationship_end(
        actor=coordinator, relationship=relationship, reason="repair", note="schedules"
    )
    assert RepairRequest.objects.get().handled_at is not None
    assert {asker.person_id, partner.person_id} <= {e.person_id for e in pool(program)}


def test_participants_see_only_their_own_match(coordinator, program_factory):
    program = program_factory(4)
    run_publish(actor=coordinator, run=run_now(coordinator, program))
    mine, _theirs = Membership.objects.filter(relationship__program=program).select_related(
        "person__user"
    )[:2:1]
    other = Membership.objects.exclude(relationship=mine.relationship).first()
    client = client_for(mine.person.user)
    assert client.get(f"/matches/m/{mine.pk}/").status_code == 200
    assert client.get(f"/matches/m/{other.pk}/").status_code == 404
    assert [m["id"] for m in client.get("/api/matches").json()] == [mine.pk]
    assert client.get(f"/matches/runs/{mine.relationship.run_id}/").status_code == 404
    assert client.get(f"/api/runs/{mine.relationship.run_id}").status_code == 404

"""Re-matching after a decline places the two people into live pairs as trios (where the program
allows) instead of offering to publish nothing; the pairs they join are told."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tandem.core.errors import ApplicationError
from tandem.matches.models import RunPurpose
from tandem.matches.services.publish import run_publish
from tandem.matches.services.review import proposal_swap
from tandem.notify.models import OutboxMessage
from tandem.relationships.models import Membership, Relationship, RelationshipStatus
from tandem.relationships.services.answers import membership_decline
from tests.conftest import client_for
from tests.matches.conftest import run_now

pytestmark = pytest.mark.django_db


def _declined_pair(coordinator, program_factory, **fields):
    program = program_factory(8, allow_trio=True, both_must_accept=True, **fields)
    run_publish(actor=coordinator, run=run_now(coordinator, program))
    declining = Membership.objects.filter(relationship__program=program).first()
    membership_decline(actor=declining.person.user, membership=declining)
    ended = declining.relationship
    ended.refresh_from_db()
    assert ended.status not in (RelationshipStatus.ACTIVE, RelationshipStatus.PROPOSED)
    for live in Relationship.objects.filter(program=program).exclude(pk=ended.pk):
        live.status = RelationshipStatus.ACTIVE
        live.save(update_fields=["status"])
    return program, ended


def test_a_rematch_after_a_decline_places_both_people_in_live_pairs(coordinator, program_factory):
    program, _ = _declined_pair(coordinator, program_factory)
    run = run_now(coordinator, program, purpose=RunPurpose.REMATCH)
    joins = list(run.proposals.filter(joins__isnull=False))
    assert len(joins) == 2, run.notes
    assert len({p.joins_id for p in joins}) == 2  # one newcomer per pair
    assert all(p.explanation for p in joins)
    assert run.unmatched.count() == 0
    assert "2 people join a live pair as its third member." in run.notes

    page = client_for(coordinator).get(reverse("matches:run", args=[run.pk])).content.decode()
    assert "joins the live match of" in page and "Publish 2 matches" in page
    newcomer = joins[0].members.get()
    with pytest.raises(ApplicationError, match="joining a live match"):
        proposal_swap(
            actor=coordinator,
            run=run,
            first=newcomer.person,
            second=joins[1].members.get().person,
        )

    before = OutboxMessage.objects.filter(kind="trio_joined").count()
    run_publish(actor=coordinator, run=run)
    for proposal in joins:
        pair = Relationship.objects.get(pk=proposal.joins_id)
        assert pair.members.count() == 3 and pair.status == RelationshipStatus.ACTIVE
    assert OutboxMessage.objects.filter(kind="trio_joined").count() - before == 4
    assert Relationship.objects.filter(program=program).count() == 4  # no new relationship


def test_no_trios_where_the_program_does_not_allow_them(coordinator, program_factory):
    program, _ = _declined_pair(coordinator, program_factory)
    program.allow_trio = False
    program.save(update_fields=["allow_trio"])
    run = run_now(coordinator, program, purpose=RunPurpose.REMATCH)
    assert not run.proposals.filter(joins__isnull=False).exists()


def test_a_pair_that_changed_since_the_run_refuses_the_publish(coordinator, program_factory):
    program, _ = _declined_pair(coordinator, program_factory)
    run = run_now(coordinator, program, purpose=RunPurpose.REMATCH)
    target = run.proposals.filter(joins__isnull=False).first().joins
    target.status = RelationshipStatus.ENDED
    target.save(update_fields=["status"])
    with pytest.raises(ApplicationError, match="has changed since this run"):
        run_publish(actor=coordinator, run=run)
    assert Membership.objects.filter(relationship=target).count() == 2

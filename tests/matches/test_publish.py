"""Publishing a run (``tandem.matches.services.publish``): its proposals become relationships and
everyone is told — all or nothing; a run that no longer fits the enrolments (someone withdrew,
someone would exceed the matches they asked for) is refused; the program moves on to active."""

from __future__ import annotations

import pytest
from django.core import mail

from tandem.core.errors import ApplicationError
from tandem.matches import solving
from tandem.matches.models import MatchRun, RunStatus
from tandem.matches.services import publish
from tandem.matches.services.publish import run_publish
from tandem.notify.models import OutboxMessage, Status
from tandem.notify.outbox import deliver_due, render_row
from tandem.programs.models import Enrolment, EnrolmentStatus, Program, ProgramStatus
from tandem.relationships.models import Membership, Relationship, RelationshipStatus
from tests.conftest import client_for
from tests.factories import MatchRunFactory, RelationshipFactory, UserFactory
from tests.matches.conftest import audited, enrolled, run_now


def test_publish_is_all_or_nothing(coordinator, program_factory, monkeypatch):
    program = program_factory(8)
    run = run_now(coordinator, program)
    before = OutboxMessage.objects.count()

    def explode(*args, **kwargs):
        raise RuntimeError("mail template crashed")

    monkeypatch.setattr(publish, "_notify_published", explode)
    with pytest.raises(RuntimeError):
        run_publish(actor=coordinator, run=run)
    assert Relationship.objects.count() == 0
    assert Membership.objects.count() == 0
    assert OutboxMessage.objects.count() == before
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    monkeypatch.undo()

    relationships = run_publish(actor=coordinator, run=run)
    assert len(relationships) == 4
    assert Program.objects.get(pk=program.pk).status == ProgramStatus.ACTIVE
    proposed = OutboxMessage.objects.filter(kind="match_proposed")
    assert proposed.count() == 8
    body = render_row(proposed.first()).body_text
    assert "Why this match:" in body and "/matches/m/" in body and "accept or decline" in body
    with pytest.raises(ApplicationError, match="already published"):
        run_publish(actor=coordinator, run=run)


def test_each_proposal_becomes_a_relationship_waiting_for_answers(coordinator, program_factory):
    program = program_factory(5)
    a, b, c, d, e = enrolled(program)
    run = MatchRunFactory(program=program, proposals=[(a, b), (c, d)], unmatched=[e])
    relationships = run_publish(actor=coordinator, run=run)
    assert [sorted(r.members.values_list("person_id", flat=True)) for r in relationships] == [
        sorted([a.pk, b.pk]),
        sorted([c.pk, d.pk]),
    ]
    assert {r.status for r in relationships} == {RelationshipStatus.PROPOSED}
    assert all(m.respond_by is not None for m in Membership.objects.all())
    run.refresh_from_db()
    assert run.status == RunStatus.PUBLISHED and run.published_by == coordinator
    matched = Enrolment.objects.filter(program=program, first_matched_at__isnull=False)
    assert set(matched.values_list("person_id", flat=True)) == {a.pk, b.pk, c.pk, d.pk}
    assert audited("matching.published") == 1


def test_everyone_hears_who_they_are_matched_with_and_who_is_left_over_hears_why(
    coordinator, program_factory
):
    program = program_factory(3)
    a, b, c = enrolled(program)
    run_publish(
        actor=coordinator, run=MatchRunFactory(program=program, proposals=[(a, b)], unmatched=[c])
    )
    # written with the event, rendered by the worker when it sends them
    assert set(OutboxMessage.objects.values_list("subject", flat=True)) == {""}
    assert deliver_due(worker_id="t").sent and len(mail.outbox) == 3
    to_a = OutboxMessage.objects.get(kind="match_proposed", recipient=a.user.email)
    assert to_a.status == Status.SENT and not to_a.render_with
    assert to_a.subject == f"Meet {b.user.name}: your {program.name} match"
    assert "Please accept or decline by" in to_a.body_text
    sent_to_a = next(m for m in mail.outbox if m.to == [a.user.email])
    assert sent_to_a.subject == to_a.subject and sent_to_a.body == to_a.body_text
    left_over = OutboxMessage.objects.get(kind="not_matched")
    assert left_over.recipient == c.user.email and "Nobody fitted." in left_over.body_text
    assert "You stay in the pool" in left_over.body_text


def test_the_outbox_shows_a_match_email_before_it_is_written(coordinator, admin, program_factory):
    program = program_factory(2)
    a, b = enrolled(program)
    run_publish(actor=coordinator, run=MatchRunFactory(program=program, proposals=[(a, b)]))
    to_a = OutboxMessage.objects.get(kind="match_proposed", recipient=a.user.email)
    client = client_for(admin)
    listing = client.get("/outbox/").content.decode()
    assert "Written when sent" in listing and b.user.name not in listing
    page = client.get(f"/outbox/{to_a.pk}/").content.decode()
    assert f"Meet {b.user.name}" in page and "Why this match" in page


def test_a_match_email_whose_match_is_gone_fails_with_the_reason(coordinator, program_factory):
    program = program_factory(2)
    a, b = enrolled(program)
    run_publish(actor=coordinator, run=MatchRunFactory(program=program, proposals=[(a, b)]))
    Relationship.objects.all().delete()
    report = deliver_due(worker_id="t")
    assert len(report.failed) == 2 and not mail.outbox
    failed = OutboxMessage.objects.filter(status=Status.FAILED)
    assert all("no longer exists" in m.last_error for m in failed)


def test_matches_start_at_once_when_the_program_does_not_ask(coordinator, program_factory):
    program = program_factory(4)
    Program.objects.filter(pk=program.pk).update(both_must_accept=False)
    relationships = run_publish(actor=coordinator, run=run_now(coordinator, program))
    assert {r.status for r in relationships} == {RelationshipStatus.ACTIVE}
    assert all(r.activated_at for r in relationships)
    body = render_row(OutboxMessage.objects.filter(kind="match_proposed").first()).body_text
    assert "Your match has started" in body and "accept or decline" not in body


def test_the_other_finished_runs_are_discarded(coordinator, program_factory):
    program = program_factory(4)
    a, b, c, d = enrolled(program)
    chosen = MatchRunFactory(program=program, proposals=[(a, b), (c, d)])
    other = MatchRunFactory(program=program, proposals=[(a, c), (b, d)])
    run_publish(actor=coordinator, run=chosen)
    assert MatchRun.objects.get(pk=other.pk).status == RunStatus.DISCARDED


def test_an_active_program_stays_active(coordinator, program_factory):
    program = program_factory(4)
    Program.objects.filter(pk=program.pk).update(status=ProgramStatus.ACTIVE)
    a, b, *_ = enrolled(program)
    run_publish(actor=coordinator, run=MatchRunFactory(program=program, proposals=[(a, b)]))
    assert Program.objects.get(pk=program.pk).status == ProgramStatus.ACTIVE
    assert audited("program.status_changed") == 0


def test_someone_who_withdrew_after_the_run_stops_the_publish(coordinator, program_factory):
    program = program_factory(4)
    a, b, c, d = enrolled(program)
    run = MatchRunFactory(program=program, proposals=[(a, b), (c, d)])
    Enrolment.objects.filter(person=c).update(status=EnrolmentStatus.WITHDRAWN)
    with pytest.raises(ApplicationError) as caught:
        run_publish(actor=coordinator, run=run)
    assert caught.value.message == (
        f"{c.user.name} withdrew after this run; run the matching again before publishing."
    )
    assert (
        not Relationship.objects.exists()
        and not OutboxMessage.objects.filter(kind="match_proposed").exists()
    )
    assert MatchRun.objects.get(pk=run.pk).status == RunStatus.DONE


def test_nobody_gets_more_matches_than_they_asked_for(coordinator, program_factory):
    program = program_factory(4)
    a, b, _, d = enrolled(program)
    RelationshipFactory(program=program, members=[a, d])  # matched since the run was made
    run = MatchRunFactory(program=program, proposals=[(a, b)])
    with pytest.raises(ApplicationError) as caught:
        run_publish(actor=coordinator, run=run)
    assert caught.value.message == (
        f"{a.user.name} would have more matches than they asked for; run the matching again."
    )
    assert Relationship.objects.count() == 1
    Enrolment.objects.filter(person=a).update(capacity=2)  # now a has room for a second
    assert len(run_publish(actor=coordinator, run=run)) == 1


@pytest.mark.parametrize("status", [RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.FAILED])
def test_only_a_finished_run_is_published(coordinator, program_factory, status):
    program = program_factory(4)
    a, b, *_ = enrolled(program)
    run = MatchRunFactory(program=program, proposals=[(a, b)], status=status)
    with pytest.raises(ApplicationError, match="Only a finished run can be published"):
        run_publish(actor=coordinator, run=run)
    assert not Relationship.objects.exists()


def test_only_the_programs_coordinators_publish(program_factory):
    program = program_factory(4)
    a, b, *_ = enrolled(program)
    run = MatchRunFactory(program=program, proposals=[(a, b)])
    with pytest.raises(ApplicationError) as caught:
        run_publish(actor=UserFactory(role="coordinator"), run=run)
    assert caught.value.status == 403 and not Relationship.objects.exists()


def test_a_run_that_breaks_a_rule_says_so_and_cannot_be_published(
    coordinator, program_factory, monkeypatch
):
    program = program_factory(6)
    assert run_now(coordinator, program).check_problems == []
    monkeypatch.setattr(
        solving, "check_solution", lambda problem, solution: ["1 and 2 share a manager"]
    )
    broken = run_now(coordinator, program, purpose="rematch")
    assert broken.status == RunStatus.DONE
    assert broken.check_problems == ["1 and 2 share a manager"]
    with pytest.raises(ApplicationError, match="own check") as refused:
        run_publish(actor=coordinator, run=broken)
    assert [e.message for e in refused.value.errors] == ["1 and 2 share a manager"]
    assert not Relationship.objects.filter(run=broken).exists()
    page = client_for(coordinator).get(f"/matches/runs/{broken.pk}/")
    assert "share a manager" in page.content.decode()

"""Issue 17: a "please not" list never leaves its owner. A swap or lock that would pair two people
one of whom asked not to be matched with the other is refused without saying who asked, and
nothing of it is stored in proposals, explanations or the API."""

from __future__ import annotations

import pytest

from tandem.core.errors import ApplicationError
from tandem.matches.models import Proposal, ProposalMember
from tandem.matches.services.pair_rules import pair_rule_set
from tandem.matches.services.review import proposal_swap
from tandem.programs.models import PrivateAnswer, QuestionKind
from tests.conftest import client_for
from tests.factories import MatchRunFactory
from tests.matches.conftest import enrolled


def please_not(program, owner, other):
    enrolment = program.enrolments.get(person=owner)
    question = program.questions.get(kind=QuestionKind.AVOID_PEERS)
    PrivateAnswer.objects.update_or_create(
        enrolment=enrolment, question=question, defaults={"value": [other.pk]}
    )


def stored_text(run) -> str:
    proposals = list(Proposal.objects.filter(run=run).values_list("explanation", "factors"))
    members = list(ProposalMember.objects.filter(proposal__run=run).values_list("explanation"))
    return repr(proposals) + repr(members)


def test_a_swap_into_a_please_not_pair_is_refused_naming_nobody(coordinator, program_factory):
    program = program_factory(4)
    a, b, c, d = enrolled(program)
    please_not(program, c, b)  # c asked not to be matched with b
    run = MatchRunFactory(program=program, proposals=[(a, b), (c, d)])
    before = stored_text(run)
    with pytest.raises(ApplicationError) as caught:
        proposal_swap(actor=coordinator, run=run, first=a, second=c)  # would pair c with b
    message = caught.value.message
    assert message.startswith("A private preference prevents this pair")
    for person in (a, b, c, d):
        assert person.user.name not in message and str(person.pk) not in message
    assert stored_text(run) == before  # nothing written, not even a warning
    assert {
        frozenset(p.members.values_list("person_id", flat=True)) for p in run.proposals.all()
    } == {
        frozenset({a.pk, b.pk}),
        frozenset({c.pk, d.pk}),
    }


def test_the_api_says_the_same_and_stores_nothing(coordinator, program_factory):
    program = program_factory(4)
    a, b, c, d = enrolled(program)
    please_not(program, b, c)
    run = MatchRunFactory(program=program, proposals=[(a, b), (c, d)])
    before = stored_text(run)
    client = client_for(coordinator)
    response = client.post(
        f"/api/runs/{run.pk}/swap", {"first": a.pk, "second": c.pk}, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert "private preference" in response.text
    assert b.user.name not in response.text and c.user.name not in response.text
    assert stored_text(run) == before
    listing = client.get(f"/api/runs/{run.pk}/proposals").text
    assert "asked not to be matched" not in listing and "private preference" not in listing


def test_a_lock_of_a_please_not_pair_is_refused_naming_nobody(coordinator, program_factory):
    program = program_factory(4)
    a, b, _, _ = enrolled(program)
    please_not(program, b, a)
    with pytest.raises(ApplicationError, match="A private preference prevents this pair") as caught:
        pair_rule_set(actor=coordinator, program=program, first=a, second=b, kind="lock")
    assert a.user.name not in caught.value.message and b.user.name not in caught.value.message
    assert not program.pair_rules.exists()
    pair_rule_set(actor=coordinator, program=program, first=a, second=b, kind="forbid")


def test_the_engine_reason_names_nobody():
    from tandem.matching.scoring import PRIVATE_PREFERENCE

    assert PRIVATE_PREFERENCE == "a private preference prevents this pair"

"""A run that placed nobody never offers to publish; a run changed by hand no longer claims the
solver's proof of optimality."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tandem.core.errors import ApplicationError
from tandem.matches.services.publish import run_publish
from tandem.matches.services.review import proposal_swap
from tandem.relationships.models import Relationship
from tests.conftest import client_for
from tests.factories import MatchRunFactory, enrolled_program

pytestmark = pytest.mark.django_db


def test_a_run_that_placed_nobody_explains_and_cannot_be_published(coordinator):
    program = enrolled_program(2, coordinators=[coordinator], status="matching")
    people = [e.person for e in program.enrolments.all()]
    run = MatchRunFactory(program=program, unmatched=people)

    page = client_for(coordinator).get(reverse("matches:run", args=[run.pk])).content.decode()
    assert "Nobody could be placed in this run" in page
    assert "Publish 0" not in page
    assert reverse("matches:run_publish", args=[run.pk]) not in page

    with pytest.raises(ApplicationError, match="placed nobody"):
        run_publish(actor=coordinator, run=run)
    assert not Relationship.objects.exists()


def test_one_match_is_one_match_and_a_swap_drops_the_optimality_claim(coordinator):
    program = enrolled_program(4, coordinators=[coordinator], status="matching")
    a, b, c, d = (e.person for e in program.enrolments.order_by("pk"))
    run = MatchRunFactory(program=program, proposals=[[a, b], [c, d]])
    client = client_for(coordinator)
    page = client.get(reverse("matches:run", args=[run.pk])).content.decode()
    assert "Publish 2 matches" in page and "proven optimal" in page

    proposal_swap(actor=coordinator, run=run, first=b, second=c)
    page = client.get(reverse("matches:run", args=[run.pk])).content.decode()
    assert "proven optimal" not in page and "changed by hand" in page

    single = MatchRunFactory(program=program, proposals=[[a, b]])
    page = client.get(reverse("matches:run", args=[single.pk])).content.decode()
    assert "Publish 1 match<" in page

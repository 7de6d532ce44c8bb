"""Shared worlds for the relationship tests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.programs.models import Enrolment, Program, ProgramStatus
from tandem.relationships.models import Membership, Relationship, RelationshipStatus
from tests.factories import make_program

NY = "America/New_York"


@pytest.fixture
def pair(coordinator, participant, outsider):
    """An active peer pair: ``participant`` (Berlin) and ``outsider`` (moved to New York)."""
    program = make_program(coordinator, status="enrolling")
    Program.objects.filter(pk=program.pk).update(status=ProgramStatus.ACTIVE)
    outsider.person.timezone = NY
    outsider.person.save()
    for user in (participant, outsider):
        Enrolment.objects.create(
            program=program, person=user.person, accepted_guidelines_at=timezone.now()
        )
    relationship = Relationship.objects.create(
        program=program,
        status=RelationshipStatus.ACTIVE,
        activated_at=timezone.now() - timedelta(days=1),
    )
    for user in (participant, outsider):
        Membership.objects.create(
            relationship=relationship, person=user.person, accepted_at=timezone.now()
        )
    return relationship

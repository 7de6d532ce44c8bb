"""Shared worlds for the relationship tests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import ProgramFactory, RelationshipFactory

NY = "America/New_York"


@pytest.fixture
def pair(coordinator, participant, outsider):
    """An active peer pair: ``participant`` (Berlin) and ``outsider`` (moved to New York)."""
    outsider.person.timezone = NY
    outsider.person.save()
    return RelationshipFactory(
        program=ProgramFactory(status="active", coordinators=[coordinator]),
        members=[participant.person, outsider.person],
        activated_at=timezone.now() - timedelta(days=1),
    )

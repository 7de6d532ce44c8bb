"""How relationships react to what lower apps announce (connected in ``apps.ready``)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from tandem.accounts.models import User
from tandem.people.signals import people_left
from tandem.programs.models import Program
from tandem.programs.signals import program_closed
from tandem.relationships.services.lifecycle import (
    end_leavers_relationships,
    end_program_relationships,
)


@receiver(program_closed, dispatch_uid="relationships.end_program_relationships")
def end_relationships_of_closed_program(
    sender: Any, *, program: Program, actor: User | None, **kwargs: Any
) -> None:
    end_program_relationships(program=program, by=actor)


@receiver(people_left, dispatch_uid="relationships.end_leavers_relationships")
def end_relationships_of_leavers(
    sender: Any, *, person_ids: list[int], actor: User | None, **kwargs: Any
) -> None:
    end_leavers_relationships(person_ids=person_ids, by=actor)

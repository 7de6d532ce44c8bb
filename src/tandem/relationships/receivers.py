"""How relationships react to what lower apps announce (connected in ``apps.ready``)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from tandem.accounts.models import User
from tandem.programs.models import Program
from tandem.programs.signals import program_closed
from tandem.relationships.services.lifecycle import end_program_relationships


@receiver(program_closed, dispatch_uid="relationships.end_program_relationships")
def end_relationships_of_closed_program(
    sender: Any, *, program: Program, actor: User | None, **kwargs: Any
) -> None:
    end_program_relationships(program=program, by=actor)

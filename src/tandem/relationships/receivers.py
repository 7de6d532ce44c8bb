"""How relationships react to what lower apps announce (connected in ``apps.ready``)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from tandem.accounts.models import User
from tandem.people.signals import people_left
from tandem.programs.models import Program, ProgramStatus
from tandem.programs.signals import StageCheck, program_closed, program_stage_check
from tandem.relationships.models import LIVE_STATUSES, Membership
from tandem.relationships.services.lifecycle import (
    end_leavers_relationships,
    end_program_relationships,
)


@receiver(program_closed, dispatch_uid="relationships.end_program_relationships")
def end_relationships_of_closed_program(
    sender: Any, *, program: Program, actor: User | None, **kwargs: Any
) -> None:
    end_program_relationships(program=program, by=actor)


@receiver(program_stage_check, dispatch_uid="relationships.closing_consequences")
def what_closing_ends(sender: Any, *, program: Program, to: str, **kwargs: Any) -> StageCheck:
    if to != ProgramStatus.CLOSED:
        return StageCheck()
    live = Membership.objects.filter(
        relationship__program=program, relationship__status__in=LIVE_STATUSES
    )
    relationships = live.values("relationship_id").distinct().count()
    people = live.values("person_id").distinct().count()
    if not relationships:
        return StageCheck(consequences=("No relationship is still running; nobody is emailed.",))
    noun = "relationship" if relationships == 1 else "relationships"
    return StageCheck(
        consequences=(
            f"{relationships} running {noun} end; the {people} people in them are told and "
            "asked for a closing summary.",
        ),
        affected_people=people,
    )


@receiver(people_left, dispatch_uid="relationships.end_leavers_relationships")
def end_relationships_of_leavers(
    sender: Any, *, person_ids: list[int], actor: User | None, **kwargs: Any
) -> None:
    end_leavers_relationships(person_ids=person_ids, by=actor)

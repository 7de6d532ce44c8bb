"""Teams listens to the apps below it: publishing (intros), rotation rounds, people leaving."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tandem.matches.signals import match_published, rotation_round_starting
from tandem.people.signals import people_left
from tandem.programs.models import Program


def _on_published(
    sender: Any, *, relationship_ids: list[int], needs_answer: bool, **kwargs: Any
) -> None:
    from tandem.integrations.teams.services.intro import intros_enqueue

    intros_enqueue(relationship_ids=relationship_ids, needs_answer=needs_answer)


def _on_round(sender: Any, *, program: Program, now: datetime, **kwargs: Any) -> bool | None:
    from tandem.integrations.teams.services.rotation import before_round

    return before_round(program, now)


def _on_left(sender: Any, *, person_ids: list[int], **kwargs: Any) -> None:
    from tandem.integrations.teams.models import TeamsIdentity

    TeamsIdentity.objects.filter(user__person__pk__in=person_ids).delete()


def connect() -> None:
    # Connected after Slack's: a relationship Slack introduces is not introduced twice.
    match_published.connect(_on_published, dispatch_uid="teams.intros")
    rotation_round_starting.connect(_on_round, dispatch_uid="teams.rotation_round")
    people_left.connect(_on_left, dispatch_uid="teams.people_left")

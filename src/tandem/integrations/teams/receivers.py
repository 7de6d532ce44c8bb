"""Teams listens to the apps below it: publishing (group intros), people leaving."""

from __future__ import annotations

from typing import Any

from tandem.matches.signals import match_published
from tandem.people.signals import people_left


def _on_published(
    sender: Any, *, relationship_ids: list[int], needs_answer: bool, **kwargs: Any
) -> None:
    from tandem.integrations.teams.services.intro import intros_enqueue

    intros_enqueue(relationship_ids=relationship_ids, needs_answer=needs_answer)


def _on_left(sender: Any, *, person_ids: list[int], **kwargs: Any) -> None:
    from tandem.integrations.teams.models import TeamsIdentity

    TeamsIdentity.objects.filter(user__person__pk__in=person_ids).delete()


def connect() -> None:
    # Connected after Slack's: a relationship Slack introduces is not introduced twice.
    match_published.connect(_on_published, dispatch_uid="teams.intros")
    people_left.connect(_on_left, dispatch_uid="teams.people_left")

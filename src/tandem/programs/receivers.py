"""How programs react to what lower apps announce (connected in ``apps.ready``)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from tandem.accounts.models import User
from tandem.people.signals import people_left
from tandem.programs.services.leavers import withdraw_leavers


@receiver(people_left, dispatch_uid="programs.withdraw_leavers")
def withdraw_enrolments_of_leavers(
    sender: Any, *, person_ids: list[int], actor: User | None, **kwargs: Any
) -> None:
    withdraw_leavers(person_ids=person_ids, actor=actor)

"""What programs announce to the apps above them (which programs must not import).

``program_closed`` is sent inside :func:`tandem.programs.services.program_transition`'s
transaction, so whatever a receiver writes commits or rolls back with the closing itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.dispatch import Signal

program_closed = Signal()  # keyword arguments: program, actor (a User or None)

# Someone removed or changed a background answer they had shared (keyword argument: program).
# The fairness view stops showing background groups for the program's runs from then on, since
# comparing the view before and after would tell what that person had shared.
background_withdrawn = Signal()

# Sent by :func:`tandem.programs.services.stages.stage_preview` before a stage change is offered
# or made; keyword arguments: program, to (the target status). Receivers in the apps above return a
# :class:`StageCheck` with what the change will do there and what forbids it.
program_stage_check = Signal()


@dataclass(frozen=True)
class StageCheck:
    consequences: tuple[str, ...] = ()
    blockers: tuple[str, ...] = ()
    affected_people: int = 0

"""What programs announce to the apps above them (which programs must not import).

``program_closed`` is sent inside :func:`tandem.programs.services.program_transition`'s
transaction, so whatever a receiver writes commits or rolls back with the closing itself.
"""

from __future__ import annotations

from django.dispatch import Signal

program_closed = Signal()  # keyword arguments: program, actor (a User or None)

"""What the directory announces to the apps above it (which people must not import).

``people_left`` is sent inside :func:`tandem.people.services.mark_left`'s transaction, by every
way a person leaves (HR import, SCIM, an admin), so what a receiver writes — ending relationships,
withdrawing enrolments — commits or rolls back with the leaving itself.
"""

from __future__ import annotations

from django.dispatch import Signal

people_left = Signal()  # kwargs: person_ids (list[int]), actor (User | None), reason (str)

"""What matching announces to the apps above it (integrations) without importing them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the publishing transaction. kwargs: run_id (int), relationship_ids (list[int]),
# needs_answer (bool: members must accept or decline).
match_published = Signal()

# Sent before a rotation round is matched. kwargs: program (Program), now (datetime). A receiver
# may bring the pool up to date first (e.g. a linked chat channel's members); a receiver that
# answers False holds the round back (e.g. not yet its local start time).
rotation_round_starting = Signal()

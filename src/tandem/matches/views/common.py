"""What the matching views share."""

from __future__ import annotations


def number(value: str | None) -> int:
    """A posted or queried id; anything that is not a number is 0 (which matches nothing)."""
    return int(value) if value and value.isdigit() else 0

"""What the relationship views share."""

from __future__ import annotations


def page_number(value: str | None, pages: int) -> int:
    """A ``?page=`` value clamped to 1..pages; anything that is not a number is page 1."""
    number = int(value) if value and value.isdigit() else 1
    return max(1, min(number, pages))

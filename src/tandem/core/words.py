"""Counted nouns in one place, so no page, email or CLI line says "1 people" or "10 persons"."""

from __future__ import annotations


def plural(count: int, one: str, many: str | None = None) -> str:
    """``plural(1, "match", "matches")`` → "1 match"; ``plural(3, "member")`` → "3 members"."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def people(count: int | None) -> str:
    """ "1 person", "12 people"."""
    return plural(int(count or 0), "person", "people")

from __future__ import annotations

from django import template

from tandem.core import words
from tandem.core.languages import language_name

register = template.Library()


@register.filter
def language_names(codes: list[str] | None) -> str:
    """["en", "de"] → "English, German"."""
    return ", ".join(language_name(code) for code in codes or [])


@register.filter
def percent(value: float | None, digits: int = 0) -> str:
    """0.4237 → "42%"."""
    if value is None:
        return "—"
    return f"{float(value) * 100:.{digits}f}%"


@register.filter
def people(count: int | None) -> str:
    """``{{ n|people }}``: "1 person", "12 people" (never "1 people")."""
    return words.people(count)

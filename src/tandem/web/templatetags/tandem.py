from __future__ import annotations

from functools import cache

from django import template

register = template.Library()


@cache
def _language_name(code: str) -> str:
    import pycountry

    language = pycountry.languages.get(alpha_2=code) or pycountry.languages.get(alpha_3=code)
    return language.name if language else code


@register.filter
def language_names(codes: list[str] | None) -> str:
    """["en", "de"] → "English, German"."""
    return ", ".join(_language_name(code) for code in codes or [])


@register.filter
def percent(value: float | None, digits: int = 0) -> str:
    """0.4237 → "42%"."""
    if value is None:
        return "—"
    return f"{float(value) * 100:.{digits}f}%"

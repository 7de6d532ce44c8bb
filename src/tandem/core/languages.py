"""Language names from ISO 639 codes, for people (templates) and for explanations ("both speak
German", not "both speak de")."""

from __future__ import annotations

from functools import cache

import pycountry


@cache
def language_name(code: str) -> str:
    language = pycountry.languages.get(alpha_2=code) or pycountry.languages.get(alpha_3=code)
    return language.name if language else code

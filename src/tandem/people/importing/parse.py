"""Parsers for single cells of an HR file. Each returns the clean value or raises ``CellError``
with a message that says what is wrong and what a correct value looks like."""

from __future__ import annotations

import difflib
import re
import zoneinfo
from datetime import date, datetime, time, timedelta
from functools import cache

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from tandem.matching.vocabulary import level_number
from tandem.people.importing.reader import Cell
from tandem.people.models import MAX_LEVEL, MIN_LEVEL, PersonStatus


class CellError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


FORMULA_START = ("=", "+", "-", "@")
_FORMULA_HINT = re.compile(r"[(!|=]")


def text(value: Cell, *, max_length: int = 200) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    result = " ".join(str(value).split())
    if len(result) > max_length:
        raise CellError(f"is {len(result)} characters long; the most is {max_length}")
    return result


def is_formula_like(value: str) -> bool:
    """A cell a spreadsheet would run as a formula: starts with =, or + - @ and looks like one."""
    stripped = value.lstrip(" \t\r\n")
    if stripped.startswith("="):
        return True
    return stripped[:1] in FORMULA_START and bool(_FORMULA_HINT.search(stripped))


def email(value: Cell) -> str:
    result = text(value, max_length=254).lower()
    if not result:
        raise CellError("is empty; every person needs a work email")
    try:
        validate_email(result)
    except ValidationError:
        raise CellError("is not a valid email address") from None
    return result


def level(value: Cell) -> int | None:
    if value is None or value == "":
        return None
    number = level_number(value)
    if number is None:
        raise CellError(
            f"must be a career level from {MIN_LEVEL} to {MAX_LEVEL} (for example 3 or L3)"
        )
    if not MIN_LEVEL <= number <= MAX_LEVEL:
        raise CellError(f"must be a career level from {MIN_LEVEL} to {MAX_LEVEL}")
    return number


@cache
def _zones() -> dict[str, str]:
    zones = {name.lower(): name for name in zoneinfo.available_timezones()}
    zones.update({"utc": "UTC", "gmt": "UTC", "z": "UTC", "etc/utc": "UTC"})
    return zones


ZONE_HINTS = {
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "mst": "America/Denver",
    "cst": "America/Chicago",
    "est": "America/New_York",
    "edt": "America/New_York",
    "bst": "Europe/London",
    "cet": "Europe/Berlin",
    "cest": "Europe/Berlin",
    "ist": "Asia/Kolkata",
    "jst": "Asia/Tokyo",
    "aest": "Australia/Sydney",
    "sgt": "Asia/Singapore",
    "hkt": "Asia/Hong_Kong",
}


def timezone_name(value: Cell) -> str | None:
    raw = text(value, max_length=64)
    if not raw:
        return None
    zones = _zones()
    key = raw.replace(" ", "_").lower()
    if key in zones:
        return zones[key]
    hint = ZONE_HINTS.get(key)
    if hint is None:
        close = difflib.get_close_matches(key, zones.keys(), n=1, cutoff=0.75)
        hint = zones[close[0]] if close else None
    suggestion = f"; did you mean {hint}?" if hint else " (for example Europe/Berlin)"
    raise CellError(f"is not a known time zone; use an IANA name{suggestion}")


_LANGUAGE_SPLIT = re.compile(r"[;,/|]")


@cache
def _language_lookup(token: str) -> str | None:
    import pycountry

    primary = re.split(r"[-_]", token)[0] if len(token) <= 6 else token
    code = primary.lower()
    # Codes first: a bare lookup finds the language *named* "En" (enc) before English (en).
    language = (pycountry.languages.get(alpha_2=code) if len(code) == 2 else None) or (
        pycountry.languages.get(alpha_3=code) if len(code) == 3 else None
    )
    if language is None:
        try:
            language = pycountry.languages.lookup(primary)
        except LookupError:
            return None
    return getattr(language, "alpha_2", None) or language.alpha_3


def languages(value: Cell) -> list[str]:
    raw = text(value, max_length=500)
    codes: list[str] = []
    unknown = []
    for token in (t.strip() for t in _LANGUAGE_SPLIT.split(raw)):
        if not token:
            continue
        code = _language_lookup(token.lower() if len(token) <= 3 else token)
        if code is None:
            unknown.append(token)
        elif code not in codes:
            codes.append(code)
    if unknown:
        names = ", ".join(f"“{u}”" for u in unknown)
        raise CellError(f"has an unknown language {names}; use names (German) or codes (de)")
    return codes


_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
EXCEL_EPOCH = date(1899, 12, 30)


def date_value(value: Cell, *, slash_order: str | None) -> date | None:
    """ISO, DD.MM.YYYY, and D/M/YYYY or M/D/YYYY when the file's order is known; Excel dates."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value <= 2_958_465:  # an Excel serial day number without date formatting
            return EXCEL_EPOCH + timedelta(days=int(value))
        raise CellError("is not a date")
    raw = str(value).strip()
    try:
        if match := _ISO.match(raw):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _DOTTED.match(raw):
            return date(int(match[3]), int(match[2]), int(match[1]))
        if match := _SLASHED.match(raw):
            first, second, year = int(match[1]), int(match[2]), int(match[3])
            if slash_order == "dmy":
                return date(year, second, first)
            if slash_order == "mdy":
                return date(year, first, second)
            raise CellError("is ambiguous (day/month or month/day?); write dates as YYYY-MM-DD")
    except ValueError:
        raise CellError("is not a real calendar date") from None
    raise CellError("is not a date; write it as YYYY-MM-DD")


def slash_date_order(values: list[Cell]) -> str | None:
    """Decide D/M/Y vs M/D/Y for a whole column from the values that can only be read one way."""
    day_first = month_first = False
    for value in values:
        if isinstance(value, str) and (match := _SLASHED.match(value.strip())):
            first, second = int(match[1]), int(match[2])
            day_first |= first > 12
            month_first |= second > 12
    if day_first and not month_first:
        return "dmy"
    if month_first and not day_first:
        return "mdy"
    return None


ACTIVE_WORDS = {
    "active",
    "employed",
    "current",
    "onleave",
    "leaveofabsence",
    "loa",
    "yes",
    "true",
    "y",
    "1",
    "a",
    "parentalleave",
    "sabbatical",
}
LEFT_WORDS = {
    "terminated",
    "left",
    "inactive",
    "former",
    "no",
    "false",
    "n",
    "0",
    "separated",
    "resigned",
    "retired",
    "withdrawn",
    "t",
    "deceased",
    "exited",
}


def status(value: Cell) -> str | None:
    raw = text(value, max_length=60)
    if not raw:
        return None
    key = re.sub(r"[^a-z0-9]", "", raw.lower())
    if key in ACTIVE_WORDS:
        return PersonStatus.ACTIVE
    if key in LEFT_WORDS:
        return PersonStatus.LEFT
    raise CellError("must be Active, or Terminated / Left / Inactive")


def clock(value: Cell) -> time | None:
    if value is None or value == "":
        return None
    if isinstance(value, time):
        return value
    try:
        return time.fromisoformat(str(value).strip())
    except ValueError:
        raise CellError("must be a time like 09:00") from None

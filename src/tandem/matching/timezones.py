"""Shared working hours between people in real IANA time zones (``zoneinfo``, DST-aware).

Each person works ``working_hours`` local time (09:00-17:00 unless their record says otherwise) on
the reference date. Overlap is measured in UTC against the other person's working day on the day
before, the same day and the day after, so zones on either side of the date line still overlap.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_WORKING_HOURS = (dt.time(9, 0), dt.time(17, 0))
_OFFSET = re.compile(r"^(?:UTC|GMT)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)


@lru_cache(maxsize=4096)
def resolve_zone(name: str) -> dt.tzinfo | None:
    """IANA name ("Europe/Berlin"), "UTC", or a fixed offset ("UTC+5:30"); None if unknown."""
    text = name.strip()
    if not text:
        return None
    if text.upper() in {"UTC", "GMT", "Z"}:
        return dt.UTC
    match = _OFFSET.match(text)
    if match:
        sign = 1 if match.group(1) == "+" else -1
        hours, minutes = int(match.group(2)), int(match.group(3) or 0)
        if hours > 14 or minutes >= 60:
            return None
        return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, IsADirectoryError):
        return None


def working_interval(
    zone: dt.tzinfo, day: dt.date, hours: tuple[dt.time, dt.time]
) -> tuple[float, float]:
    """The working day on ``day`` as (start, end) in hours since the UTC epoch."""
    start_local = dt.datetime.combine(day, hours[0], tzinfo=zone)
    end_local = dt.datetime.combine(day, hours[1], tzinfo=zone)
    if end_local <= start_local:  # a shift past midnight
        end_local += dt.timedelta(days=1)
    return start_local.timestamp() / 3600.0, end_local.timestamp() / 3600.0


@lru_cache(maxsize=65536)
def overlap_hours(
    zone_a: str,
    hours_a: tuple[dt.time, dt.time],
    zone_b: str,
    hours_b: tuple[dt.time, dt.time],
    day: dt.date,
) -> float:
    """Hours of shared working time per day between two people on the reference date."""
    tz_a, tz_b = resolve_zone(zone_a), resolve_zone(zone_b)
    if tz_a is None or tz_b is None:
        return 0.0
    a0, a1 = working_interval(tz_a, day, hours_a)
    total = 0.0
    for shift in (-1, 0, 1):
        b0, b1 = working_interval(tz_b, day + dt.timedelta(days=shift), hours_b)
        total += max(0.0, min(a1, b1) - max(a0, b0))
    return round(total, 4)


def working_length(hours: tuple[dt.time, dt.time]) -> float:
    start = hours[0].hour + hours[0].minute / 60
    end = hours[1].hour + hours[1].minute / 60
    return end - start if end > start else end + 24 - start


def utc_offset_label(zone_name: str, day: dt.date) -> str:
    zone = resolve_zone(zone_name)
    if zone is None:
        return zone_name
    offset = dt.datetime.combine(day, dt.time(12), tzinfo=zone).utcoffset() or dt.timedelta()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"UTC{sign}{minutes // 60}" + (f":{minutes % 60:02d}" if minutes % 60 else "")

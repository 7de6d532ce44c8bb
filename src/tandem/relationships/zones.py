"""Time-zone helpers shared by slot suggestion and iCalendar output: the only DST arithmetic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_SECOND = timedelta(seconds=1)
# Offset changes are at least this far apart in every zone of the tz database (most are months).
_SCAN_STEP = timedelta(hours=12)


def load_zone(key: str) -> ZoneInfo:
    """Return the zone for an IANA name, or raise ``ValueError`` naming it."""
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ValueError(f"Unknown IANA time zone {key!r}.") from exc


def wall_to_utc(wall: datetime, zone: tzinfo, *, bound: Literal["start", "end"]) -> datetime:
    """The UTC instant for a naive local ``wall`` time that opens or closes a window.

    Chosen so that a window never grows across a DST change:

    * a time the clocks jump over becomes the instant of the jump: nothing before it reads
      later than ``wall``, nothing after it earlier;
    * a time the clocks go back over (it happens twice) becomes its later occurrence when it
      opens a window (``bound="start"``) and its earlier one when it closes a window, so the
      repeated hour cannot put wall-clock times outside the window inside it.
    """
    earlier = wall.replace(tzinfo=zone, fold=0)
    later = wall.replace(tzinfo=zone, fold=1)
    if earlier.utcoffset() == later.utcoffset():
        return earlier.astimezone(UTC)
    if earlier.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall:
        return (later if bound == "start" else earlier).astimezone(UTC)
    # Skipped: read with the new offset it lies before the jump, with the old offset after it.
    return _first_instant_on_new_offset(later.astimezone(UTC), earlier.astimezone(UTC), zone)


def offset_changes(zone: tzinfo, start: datetime, end: datetime) -> list[datetime]:
    """The UTC instants in ``(start, end]`` at which ``zone``'s UTC offset changes."""
    changes = []
    lo = start.astimezone(UTC)
    end = end.astimezone(UTC)
    while lo < end:
        hi = min(lo + _SCAN_STEP, end)
        if lo.astimezone(zone).utcoffset() != hi.astimezone(zone).utcoffset():
            changes.append(_first_instant_on_new_offset(lo, hi, zone))
        lo = hi
    return changes


def _first_instant_on_new_offset(before: datetime, after: datetime, zone: tzinfo) -> datetime:
    """Bisect for the first instant in ``(before, after]`` already on ``after``'s offset."""
    new_offset = after.astimezone(zone).utcoffset()
    # Changes fall on whole seconds, so bisecting whole seconds lands on one exactly.
    lo, hi = before.replace(microsecond=0), after.replace(microsecond=0)
    while hi - lo > _SECOND:
        mid = lo + (hi - lo) // _SECOND // 2 * _SECOND
        if mid.astimezone(zone).utcoffset() == new_offset:
            hi = mid
        else:
            lo = mid
    return hi

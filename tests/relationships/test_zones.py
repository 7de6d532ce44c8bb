"""The DST arithmetic everything else relies on: resolving wall-clock bounds, finding changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tandem.relationships.zones import load_zone, offset_changes, wall_to_utc

NEW_YORK = ZoneInfo("America/New_York")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("wall", "bound", "expected"),
    [
        pytest.param(datetime(2026, 6, 1, 9), "start", utc(2026, 6, 1, 13), id="ordinary"),
        # 8 March 2026: 02:00 EST jumps to 03:00 EDT at 07:00 UTC.
        pytest.param(datetime(2026, 3, 8, 2, 30), "start", utc(2026, 3, 8, 7), id="skipped-start"),
        pytest.param(datetime(2026, 3, 8, 2, 30), "end", utc(2026, 3, 8, 7), id="skipped-end"),
        pytest.param(datetime(2026, 3, 8, 3), "start", utc(2026, 3, 8, 7), id="after-jump"),
        # 1 November 2026: 01:00-02:00 happens at 05:00 UTC (EDT) and again at 06:00 UTC (EST).
        pytest.param(
            datetime(2026, 11, 1, 1, 30), "start", utc(2026, 11, 1, 6, 30), id="twice-start"
        ),
        pytest.param(datetime(2026, 11, 1, 1, 30), "end", utc(2026, 11, 1, 5, 30), id="twice-end"),
    ],
)
def test_wall_to_utc_never_widens_a_window(wall, bound, expected):
    assert wall_to_utc(wall, NEW_YORK, bound=bound) == expected


def test_wall_to_utc_finds_a_jump_at_midnight():
    # Havana springs forward at midnight: 8 March 2026 00:00 CST becomes 01:00 CDT (05:00 UTC).
    havana = ZoneInfo("America/Havana")

    assert wall_to_utc(datetime(2026, 3, 8), havana, bound="start") == utc(2026, 3, 8, 5)


def test_offset_changes_are_found_to_the_second():
    year = (utc(2026, 1, 1), utc(2027, 1, 1))

    assert offset_changes(ZoneInfo("Europe/Berlin"), *year) == [
        utc(2026, 3, 29, 1),
        utc(2026, 10, 25, 1),
    ]
    assert offset_changes(NEW_YORK, *year) == [utc(2026, 3, 8, 7), utc(2026, 11, 1, 6)]
    # Lord Howe Island moves by half an hour, at 02:00 local both ways.
    assert offset_changes(ZoneInfo("Australia/Lord_Howe"), *year) == [
        utc(2026, 4, 4, 15),
        utc(2026, 10, 3, 15, 30),
    ]
    assert offset_changes(ZoneInfo("Asia/Kolkata"), *year) == []


def test_offset_changes_work_with_microseconds_in_the_bounds():
    start = utc(2026, 3, 28, 23, 59, 59) + timedelta(microseconds=1)

    assert offset_changes(ZoneInfo("Europe/Berlin"), start, start + timedelta(days=1)) == [
        utc(2026, 3, 29, 1)
    ]


def test_unknown_zones_are_refused_by_name():
    with pytest.raises(ValueError, match="'Europe/Atlantis'"):
        load_zone("Europe/Atlantis")
    with pytest.raises(ValueError, match="Unknown IANA"):
        load_zone("../etc/passwd")

"""The availability question's answers ("mon-am", "wed-mid", …) and the weekly windows they mean,
shared by the matching input and the slot suggestions of a relationship."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from tandem.matching import TimeWindow

DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
PARTS = {
    "am": (dt.time(9), dt.time(12)),
    "mid": (dt.time(12), dt.time(14)),
    "pm": (dt.time(14), dt.time(17, 30)),
}
AVAILABILITY_CHOICES = [
    (f"{day}-{part}", f"{label} {part_label}")
    for day, label in (
        ("mon", "Mon"),
        ("tue", "Tue"),
        ("wed", "Wed"),
        ("thu", "Thu"),
        ("fri", "Fri"),
    )
    for part, part_label in (("am", "morning"), ("mid", "lunchtime"), ("pm", "afternoon"))
]


def availability(keys: Iterable[str]) -> tuple[TimeWindow, ...]:
    """The weekly windows of an availability answer; unknown keys are skipped."""
    windows = []
    for key in keys:
        day, _, part = str(key).partition("-")
        if day in DAYS and part in PARTS:
            start, end = PARTS[part]
            windows.append(TimeWindow(DAYS[day], start, end))
    return tuple(windows)

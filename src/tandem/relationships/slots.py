"""Meeting slots, quiet hours and recurring series across time zones.

Plain functions on plain values (no Django), shared by the relationship pages and the reminder
jobs, and testable without a database.

How wall-clock time becomes an instant
--------------------------------------
Everything a person declares (working hours, availability, quiet hours) is wall-clock time in
*their own* IANA zone; everything returned is an aware datetime. DST only matters where a
declared bound is turned into an instant, and that happens in one place,
:func:`tandem.relationships.zones.wall_to_utc`, which never widens a window:

* a bound that does not exist that day (the clocks jump over it) becomes the instant of the jump;
* a bound that happens twice (the clocks go back over it) becomes the *later* instant when it
  opens a window and the *earlier* one when it closes a window, so the repeated hour can never
  put a slot outside somebody's hours.

Recurring series follow RFC 5545 instead (a skipped time is read with the offset from before the
jump, a repeated time means its first occurrence), so that our dates are the ones calendar
programs expand from the RRULE we put in the invitation.
"""

from __future__ import annotations

import calendar
import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, Literal, TypeVar
from zoneinfo import ZoneInfo

from tandem.relationships.zones import load_zone, wall_to_utc

Cadence = Literal["weekly", "biweekly", "monthly"]

DEFAULT_WORKING_HOURS = (time(9), time(17))
DEFAULT_WORKING_DAYS = frozenset(range(5))  # Monday to Friday; 0 is Monday
QUIET_START = time(20)
QUIET_END = time(8)
MAX_SEARCH_RANGE = timedelta(days=366)  # bounds the work one request can cause
MAX_SERIES_OCCURRENCES = 520  # ten years of weekly meetings

_DAY = timedelta(days=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_Span = tuple[datetime, datetime]  # half-open [start, end) between aware UTC instants
_WallSpan = tuple[timedelta, timedelta]  # half-open, as offsets from local midnight (end <= 24h)
_T = TypeVar("_T", datetime, timedelta)


@dataclass(frozen=True)
class Interval:
    """A half-open span of time ``[start, end)`` between two aware datetimes."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        _require_aware(self.start, "Interval.start")
        _require_aware(self.end, "Interval.end")
        if self.end <= self.start:
            raise ValueError(f"Interval must end after it starts: {self.start} to {self.end}.")

    def as_utc(self) -> _Span:
        return self.start.astimezone(UTC), self.end.astimezone(UTC)


@dataclass(frozen=True)
class WeeklyWindow:
    """A weekly window of availability in a person's local time.

    ``weekday`` is 0 for Monday; an ``end`` of 00:00 means midnight at the end of the day.
    """

    weekday: int
    start: time
    end: time

    def __post_init__(self) -> None:
        if self.weekday not in range(7):
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {self.weekday}.")
        self.span()

    def span(self) -> _WallSpan:
        return _wall_span(self.start, self.end, what="availability window")


@dataclass(frozen=True)
class PersonCalendar:
    """When one person can meet, in their own time zone.

    A slot must lie inside ``working_hours`` on one of ``working_days`` and, when
    ``availability`` is given, inside one of those windows too; it must not overlap ``busy``.
    An end time of 00:00 means midnight at the end of the day.
    """

    timezone: str
    working_hours: tuple[time, time] = DEFAULT_WORKING_HOURS
    working_days: frozenset[int] = DEFAULT_WORKING_DAYS
    availability: Sequence[WeeklyWindow] = ()
    busy: Sequence[Interval] = ()

    def __post_init__(self) -> None:
        load_zone(self.timezone)
        _wall_span(*self.working_hours, what="working_hours")
        days = frozenset(self.working_days)
        if not days <= frozenset(range(7)):
            raise ValueError(f"working_days must be weekdays 0 (Monday) to 6, got {sorted(days)}.")
        # Frozen and hashable: store the sequences as tuples whatever the caller passed.
        object.__setattr__(self, "working_days", days)
        object.__setattr__(self, "availability", tuple(self.availability))
        object.__setattr__(self, "busy", tuple(self.busy))

    @property
    def zone(self) -> ZoneInfo:
        return load_zone(self.timezone)


@dataclass(frozen=True)
class Slot:
    """A suggested meeting: UTC instants plus the time zones of the people, in input order."""

    start: datetime
    end: datetime
    timezones: tuple[str, ...]
    #: False for a time that fits working hours but not the availability someone ticked, offered
    #: only when too few times fit everything
    inside_availability: bool = True

    @property
    def local_times(self) -> list[datetime]:
        """The start as each person sees it, in the order the people were given."""
        return [self.start.astimezone(load_zone(key)) for key in self.timezones]


@dataclass(frozen=True, order=True)
class _Candidate:
    off_centre: timedelta  # distance of the slot's midpoint from its shared window's midpoint
    start: datetime


def suggest_slots(
    people: Sequence[PersonCalendar],
    *,
    duration: timedelta,
    start: datetime,
    end: datetime,
    count: int = 5,
    step: timedelta = timedelta(minutes=30),
    busy: Sequence[Interval] = (),
    avoid_quiet_hours: bool = True,
) -> list[Slot]:
    """Suggest up to ``count`` meeting slots between ``start`` and ``end`` that suit everybody.

    A slot lies entirely inside every person's working hours, working days and availability in
    their own zone, overlaps nobody's busy time nor ``busy``, and with ``avoid_quiet_hours``
    also stays out of everybody's quiet hours (20:00 to 08:00 local).

    Ranking, deterministic:

    1. Slot starts lie on a grid of ``step`` counted from midnight UTC (with the default 30
       minutes: :00 and :30 in every zone with a whole- or half-hour offset).
    2. Within a calendar day (the first person's), a slot is better the closer its midpoint is
       to the middle of the shared window it sits in (the stretch in which everybody's hours
       overlap, before busy time is taken out), so nobody gets the edge of their day; ties go
       to the earlier slot.
    3. Days are visited soonest first and each gives its best slot; only when there are fewer
       such days than ``count`` does a day give a second slot (then a third, ...), never one
       that overlaps a slot already chosen.

    The result is sorted by start time.
    """
    _check_request(people, duration=duration, start=start, end=end, count=count, step=step)
    window = (start.astimezone(UTC), end.astimezone(UTC))
    blocked = _union(interval.as_utc() for interval in _all_busy(people, busy))
    candidates: list[_Candidate] = []
    for shared in _shared_open_spans(people, window, avoid_quiet=avoid_quiet_hours):
        centre = shared[0] + (shared[1] - shared[0]) / 2
        for free in _subtract(_intersect([shared], [window]), blocked):
            for slot_start in _grid_starts(free, duration, step):
                off_centre = abs(slot_start + duration / 2 - centre)
                candidates.append(_Candidate(off_centre, slot_start))
    chosen = _spread_over_days(candidates, count, duration, people[0].zone)
    timezones = tuple(person.timezone for person in people)
    return [Slot(slot_start, slot_start + duration, timezones) for slot_start in sorted(chosen)]


def shared_working_hours(a: PersonCalendar, b: PersonCalendar, on: date) -> float:
    """Hours in which both people are within their working hours (and availability).

    ``on`` is a date in ``a``'s zone: the answer is how much of ``a``'s working day ``on``
    falls inside ``b``'s working time, whichever of ``b``'s dates that is. Busy time and quiet
    hours are not considered.
    """
    a_spans = _person_open_spans(a, on, on, avoid_quiet=False)
    if not a_spans:
        return 0.0
    first_day = a_spans[0][0].astimezone(b.zone).date()
    last_day = a_spans[-1][1].astimezone(b.zone).date()
    b_spans = _person_open_spans(b, first_day, last_day, avoid_quiet=False)
    overlap = sum((hi - lo for lo, hi in _intersect(a_spans, b_spans)), timedelta())
    return overlap / timedelta(hours=1)


def next_delivery_time(
    now_utc: datetime,
    timezone: str,
    quiet_start: time = QUIET_START,
    quiet_end: time = QUIET_END,
    working_days: Iterable[int] | None = None,
) -> datetime:
    """When a nudge due at ``now_utc`` may reach someone in ``timezone``, as a UTC datetime.

    That is ``now_utc`` itself unless it falls in the person's quiet hours (which may wrap past
    midnight; equal start and end mean none) or, when ``working_days`` is given, on a day not in
    it. Otherwise it is the first later moment that is neither, e.g. 08:00 local the next
    morning, or 08:00 on Monday for a Friday-night reminder when weekends are excluded.
    """
    _require_aware(now_utc, "now_utc")
    zone = load_zone(timezone)
    days = frozenset(range(7)) if working_days is None else frozenset(working_days)
    if not days or not days <= frozenset(range(7)):
        raise ValueError(f"working_days must be weekdays 0 (Monday) to 6, got {sorted(days)}.")
    now = now_utc.astimezone(UTC)
    if _deliverable(now, zone, quiet_start, quiet_end, days):
        return now
    today = now.astimezone(zone).date()
    for offset in range(8):
        day = today + offset * _DAY
        openings = [
            wall_to_utc(datetime.combine(day, moment), zone, bound="start")
            for moment in (time(0), quiet_end)
        ]
        allowed = [
            t for t in openings if t > now and _deliverable(t, zone, quiet_start, quiet_end, days)
        ]
        if allowed:
            return min(allowed)
    raise AssertionError("a week always has a deliverable moment")  # pragma: no cover


def series_occurrences(
    first_start: datetime,
    cadence: Cadence,
    *,
    count: int | None = None,
    until: datetime | None = None,
) -> list[datetime]:
    """The meetings of a recurring series, keeping the organiser's local wall-clock time.

    ``first_start`` is aware, in the organiser's zone; results are in that zone. Give exactly one
    of ``count`` (number of meetings, the first included) or ``until`` (inclusive).

    * weekly / biweekly: every 7 / 14 days at the same local time, so a 10:00 meeting stays at
      10:00 across a DST change (and moves by an hour in UTC).
    * monthly: the same day of the month as ``first_start``, clamped to the month's last day
      and never drifting: Jan 31 gives Feb 28 (29 in leap years), Mar 31, Apr 30, May 31.
    * a local time that does not exist that day is read with the offset from before the jump
      (02:30 becomes 03:30) and a repeated one means its first occurrence, as RFC 5545 says;
      this keeps the list equal to what calendar programs expand from :func:`series_rrule`.
    """
    _check_series(first_start, cadence, count=count, until=until)
    zone = first_start.tzinfo
    assert zone is not None  # checked above; narrows the type
    wall = first_start.replace(tzinfo=None)
    occurrences: list[datetime] = []
    for index in itertools.count():
        local = first_start if index == 0 else _nth_wall(wall, cadence, index).replace(tzinfo=zone)
        occurrence = local.astimezone(UTC).astimezone(zone)  # shows the real wall-clock time
        if until is not None and occurrence > until:
            break
        if len(occurrences) == MAX_SERIES_OCCURRENCES:
            raise ValueError(f"A series may have at most {MAX_SERIES_OCCURRENCES} meetings.")
        occurrences.append(occurrence)
        if len(occurrences) == count:
            break
    return occurrences


def series_rrule(
    first_start: datetime,
    cadence: Cadence,
    *,
    count: int | None = None,
    until: datetime | None = None,
) -> dict[str, Any]:
    """The RRULE (as an ``icalendar`` recur dict) that expands to :func:`series_occurrences`.

    A monthly series starting after the 28th uses ``BYMONTHDAY=28,...,day;BYSETPOS=-1`` (the
    last of those days that the month has), because a plain ``FREQ=MONTHLY`` skips the months
    that lack the day instead of clamping. ``UNTIL`` is written in UTC, as RFC 5545 requires
    next to a DTSTART with a TZID.
    """
    _check_series(first_start, cadence, count=count, until=until)
    rule: dict[str, Any] = {"FREQ": "MONTHLY" if cadence == "monthly" else "WEEKLY"}
    if cadence == "biweekly":
        rule["INTERVAL"] = 2
    if cadence == "monthly" and first_start.day > 28:
        rule["BYMONTHDAY"] = list(range(28, first_start.day + 1))
        rule["BYSETPOS"] = -1
    if count is not None:
        rule["COUNT"] = count
    if until is not None:
        rule["UNTIL"] = until.astimezone(UTC)
    return rule


# --- checks ----------------------------------------------------------------------------------


def _require_aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime, got {value!r}.")


def _check_request(
    people: Sequence[PersonCalendar],
    *,
    duration: timedelta,
    start: datetime,
    end: datetime,
    count: int,
    step: timedelta,
) -> None:
    problems = []
    if not people:
        problems.append("people is empty")
    if duration <= timedelta():
        problems.append(f"duration must be positive, got {duration}")
    if step <= timedelta():
        problems.append(f"step must be positive, got {step}")
    if count < 0:
        problems.append(f"count must not be negative, got {count}")
    for value, what in ((start, "start"), (end, "end")):
        if value.tzinfo is None or value.utcoffset() is None:
            problems.append(f"{what} must be an aware datetime")
    if not problems and not start < end <= start + MAX_SEARCH_RANGE:
        problems.append(f"end must be after start and at most {MAX_SEARCH_RANGE.days} days later")
    if problems:
        raise ValueError("; ".join(problems) + ".")


def _check_series(
    first_start: datetime, cadence: str, *, count: int | None, until: datetime | None
) -> None:
    _require_aware(first_start, "first_start")
    if cadence not in ("weekly", "biweekly", "monthly"):
        raise ValueError(f"cadence must be weekly, biweekly or monthly, got {cadence!r}.")
    if (count is None) == (until is None):
        raise ValueError("Give exactly one of count or until.")
    if count is not None and not 1 <= count <= MAX_SERIES_OCCURRENCES:
        raise ValueError(f"count must be 1 to {MAX_SERIES_OCCURRENCES}, got {count}.")
    if until is not None:
        _require_aware(until, "until")


# --- wall-clock time --------------------------------------------------------------------------


def _offset_in_day(moment: time) -> timedelta:
    return timedelta(
        hours=moment.hour,
        minutes=moment.minute,
        seconds=moment.second,
        microseconds=moment.microsecond,
    )


def _wall_span(start: time, end: time, *, what: str) -> _WallSpan:
    """Offsets from midnight for a local ``start``-``end`` window; an end of 00:00 is midnight."""
    if start.tzinfo is not None or end.tzinfo is not None:
        raise ValueError(f"{what} must be wall-clock times without tzinfo.")
    lo = _offset_in_day(start)
    hi = _offset_in_day(end) or _DAY
    if lo >= hi:
        raise ValueError(
            f"{what} must end after it starts (00:00 as the end means midnight), "
            f"got {start:%H:%M} to {end:%H:%M}."
        )
    return lo, hi


def _quiet_free_spans(quiet_start: time, quiet_end: time) -> list[_WallSpan]:
    """The parts of a local day outside quiet hours."""
    lo, hi = _offset_in_day(quiet_start), _offset_in_day(quiet_end)
    if lo == hi:
        return [(timedelta(), _DAY)]
    if lo > hi:  # wraps past midnight, like 20:00 to 08:00
        return [(hi, lo)]
    return [span for span in ((timedelta(), lo), (hi, _DAY)) if span[0] < span[1]]


def _in_quiet_hours(moment: time, quiet_start: time, quiet_end: time) -> bool:
    if quiet_start == quiet_end:
        return False
    if quiet_start < quiet_end:
        return quiet_start <= moment < quiet_end
    return moment >= quiet_start or moment < quiet_end


def _deliverable(
    instant: datetime, zone: tzinfo, quiet_start: time, quiet_end: time, days: frozenset[int]
) -> bool:
    local = instant.astimezone(zone)
    return local.weekday() in days and not _in_quiet_hours(local.time(), quiet_start, quiet_end)


def _nth_wall(wall: datetime, cadence: Cadence, index: int) -> datetime:
    if cadence == "weekly":
        return wall + index * timedelta(weeks=1)
    if cadence == "biweekly":
        return wall + index * timedelta(weeks=2)
    return _add_months(wall, index)


def _add_months(wall: datetime, months: int) -> datetime:
    """Same day of the month ``months`` later, clamped to that month's last day."""
    month_index = wall.month - 1 + months
    year, month = wall.year + month_index // 12, month_index % 12 + 1
    day = min(wall.day, calendar.monthrange(year, month)[1])
    return wall.replace(year=year, month=month, day=day)


# --- spans ------------------------------------------------------------------------------------


def _union(spans: Iterable[tuple[_T, _T]]) -> list[tuple[_T, _T]]:
    """Merge half-open spans into a sorted list of disjoint ones (touching spans merge)."""
    merged: list[tuple[_T, _T]] = []
    for lo, hi in sorted(spans):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _intersect(a: Sequence[tuple[_T, _T]], b: Sequence[tuple[_T, _T]]) -> list[tuple[_T, _T]]:
    """Intersection of two sorted lists of disjoint half-open spans."""
    result: list[tuple[_T, _T]] = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo < hi:
            result.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return result


def _subtract(spans: Sequence[_Span], holes: Sequence[_Span]) -> list[_Span]:
    """``spans`` minus ``holes``; both sorted and disjoint."""
    result: list[_Span] = []
    for lo, hi in spans:
        cursor = lo
        for hole_lo, hole_hi in holes:
            if hole_hi <= cursor:
                continue
            if hole_lo >= hi:
                break
            if hole_lo > cursor:
                result.append((cursor, hole_lo))
            cursor = max(cursor, hole_hi)
        if cursor < hi:
            result.append((cursor, hi))
    return result


def _all_busy(people: Sequence[PersonCalendar], busy: Sequence[Interval]) -> Iterator[Interval]:
    yield from busy
    for person in people:
        yield from person.busy


def _person_day_spans(
    person: PersonCalendar, weekday: int, *, avoid_quiet: bool
) -> list[_WallSpan]:
    """The wall-clock windows in which ``person`` can meet on that weekday."""
    if weekday not in person.working_days:
        return []
    spans = [_wall_span(*person.working_hours, what="working_hours")]
    if person.availability:
        windows = _union(w.span() for w in person.availability if w.weekday == weekday)
        spans = _intersect(spans, windows)
    if avoid_quiet:
        spans = _intersect(spans, _quiet_free_spans(QUIET_START, QUIET_END))
    return spans


def _person_open_spans(
    person: PersonCalendar, first_day: date, last_day: date, *, avoid_quiet: bool
) -> list[_Span]:
    """UTC spans in which ``person`` can meet on their local dates ``first_day``..``last_day``."""
    zone = person.zone
    spans: list[_Span] = []
    day = first_day
    while day <= last_day:
        midnight = datetime.combine(day, time())
        for lo, hi in _person_day_spans(person, day.weekday(), avoid_quiet=avoid_quiet):
            opens = wall_to_utc(midnight + lo, zone, bound="start")
            closes = wall_to_utc(midnight + hi, zone, bound="end")
            if opens < closes:
                spans.append((opens, closes))
        day += _DAY
    return _union(spans)


def _shared_open_spans(
    people: Sequence[PersonCalendar], window: _Span, *, avoid_quiet: bool
) -> list[_Span]:
    """Whole shared windows (not clipped to ``window``) on the days that touch ``window``."""
    shared: list[_Span] | None = None
    for person in people:
        zone = person.zone
        first_day = window[0].astimezone(zone).date() - _DAY
        last_day = window[1].astimezone(zone).date() + _DAY
        spans = _person_open_spans(person, first_day, last_day, avoid_quiet=avoid_quiet)
        shared = spans if shared is None else _intersect(shared, spans)
    return shared or []


def _grid_starts(span: _Span, duration: timedelta, step: timedelta) -> Iterator[datetime]:
    """Starts on the ``step`` grid (counted from the epoch) of slots that fit in ``span``."""
    lo, hi = span
    slot_start = _EPOCH - ((_EPOCH - lo) // step) * step  # first grid point at or after lo
    while slot_start + duration <= hi:
        yield slot_start
        slot_start += step


def _spread_over_days(
    candidates: Sequence[_Candidate], count: int, duration: timedelta, day_zone: tzinfo
) -> list[datetime]:
    """Pick up to ``count`` starts: each day's best first, soonest days first (see ranking)."""
    by_day: dict[date, list[_Candidate]] = defaultdict(list)
    for candidate in sorted(candidates):
        by_day[candidate.start.astimezone(day_zone).date()].append(candidate)
    chosen: list[datetime] = []
    while len(chosen) < count:
        picked_any = False
        for day in sorted(by_day):
            pick = next(
                (c.start for c in by_day[day] if not _clashes(c.start, chosen, duration)), None
            )
            if pick is None:
                continue
            chosen.append(pick)
            picked_any = True
            if len(chosen) == count:
                break
        if not picked_any:
            break
    return chosen


def _clashes(slot_start: datetime, chosen: Sequence[datetime], duration: timedelta) -> bool:
    return any(abs(slot_start - other) < duration for other in chosen)

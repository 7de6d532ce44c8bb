"""Slot suggestion, quiet hours and recurring series across time zones and DST changes.

2026 DST changes used below: the US springs forward on 8 March and falls back on 1 November;
the EU springs forward on 29 March and falls back on 25 October.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.relationships.slots import (
    Interval,
    PersonCalendar,
    Slot,
    WeeklyWindow,
    next_delivery_time,
    series_occurrences,
    series_rrule,
    shared_working_hours,
    suggest_slots,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
HOUR = timedelta(hours=1)
EVERY_DAY = frozenset(range(7))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def week_of(monday: date) -> dict[str, datetime]:
    start = datetime.combine(monday, time(), tzinfo=UTC)
    return {"start": start, "end": start + timedelta(days=7)}


def local_hours(slots: list[Slot], zone: ZoneInfo) -> list[tuple[date, time, time]]:
    return [
        (
            s.start.astimezone(zone).date(),
            s.start.astimezone(zone).time(),
            s.end.astimezone(zone).time(),
        )
        for s in slots
    ]


# --- an independent oracle: walk the slot minute by minute in every person's wall-clock time ---


def _inside(minutes_from_midnight: int, start: time, end: time) -> bool:
    lo = start.hour * 60 + start.minute
    hi = (end.hour * 60 + end.minute) or 24 * 60
    return lo <= minutes_from_midnight < hi


def slot_problems(slot: Slot, person: PersonCalendar, *, avoid_quiet: bool) -> list[str]:
    """Every way in which ``slot`` breaks ``person``'s declared hours, checked per minute."""
    zone = ZoneInfo(person.timezone)
    minutes = int((slot.end - slot.start) / timedelta(minutes=1))
    moments = [slot.start + timedelta(minutes=k) for k in range(minutes)]
    moments.append(slot.end - timedelta(seconds=1))
    problems = []
    for moment in moments:
        local = moment.astimezone(zone)
        wall = local.hour * 60 + local.minute
        if local.weekday() not in person.working_days:
            problems.append(f"{local} is not a working day")
        if not _inside(wall, *person.working_hours):
            problems.append(f"{local} is outside working hours {person.working_hours}")
        if person.availability and not any(
            w.weekday == local.weekday() and _inside(wall, w.start, w.end)
            for w in person.availability
        ):
            problems.append(f"{local} is outside availability")
        if avoid_quiet and not _inside(wall, time(8), time(20)):
            problems.append(f"{local} is in quiet hours")
    return problems


def overlaps(slot: Slot, interval: Interval) -> bool:
    return slot.start < interval.end and interval.start < slot.end


def assert_all_valid(slots: list[Slot], people: list[PersonCalendar], *, avoid_quiet: bool = True):
    for slot in slots:
        for person in people:
            assert slot_problems(slot, person, avoid_quiet=avoid_quiet) == []


# --- suggest_slots ---------------------------------------------------------------------------


def test_berlin_and_new_york_meet_at_the_middle_of_their_overlap_on_five_days():
    people = [PersonCalendar("Europe/Berlin"), PersonCalendar("America/New_York")]

    slots = suggest_slots(people, duration=HOUR, **week_of(date(2026, 6, 8)))

    # Summer: Berlin 15:00-17:00 is New York 09:00-11:00; the middle hour is 15:30-16:30.
    assert [s.start for s in slots] == [utc(2026, 6, day, 13, 30) for day in range(8, 13)]
    assert local_hours(slots, BERLIN)[0][1:] == (time(15, 30), time(16, 30))
    assert local_hours(slots, NEW_YORK)[0][1:] == (time(9, 30), time(10, 30))
    assert_all_valid(slots, people)


def test_local_times_render_the_start_for_each_person_in_input_order():
    people = [PersonCalendar("America/New_York"), PersonCalendar("Europe/Berlin")]

    slot = suggest_slots(people, duration=HOUR, count=1, **week_of(date(2026, 6, 8)))[0]

    new_york, berlin = slot.local_times
    assert new_york == slot.start
    assert berlin == slot.start
    assert (new_york.tzinfo, berlin.tzinfo) == (NEW_YORK, BERLIN)
    assert (new_york.hour, berlin.hour) == (9, 15)
    assert slot.start.tzinfo is UTC


def test_sydney_and_london_with_normal_hours_get_no_suggestion():
    people = [PersonCalendar("Australia/Sydney"), PersonCalendar("Europe/London")]

    for monday in (date(2026, 1, 12), date(2026, 6, 8)):
        assert suggest_slots(people, duration=HOUR, **week_of(monday)) == []
        assert shared_working_hours(people[0], people[1], monday) == 0.0


def test_sydney_and_london_with_long_days_get_only_the_small_overlap():
    long_day = (time(7), time(19))
    people = [
        PersonCalendar("Australia/Sydney", working_hours=long_day),
        PersonCalendar("Europe/London", working_hours=long_day),
    ]
    # June: Sydney 07:00-19:00 is 21:00-09:00 UTC, London 07:00-19:00 is 06:00-18:00 UTC.
    start = utc(2026, 6, 9)  # Tuesday

    slots = suggest_slots(people, duration=HOUR, start=start, end=start + timedelta(days=3))

    assert 0 < len(slots) <= 3
    assert all(utc(2026, 6, 9, 6) <= s.start and s.start.hour < 9 for s in slots)
    assert_all_valid(slots, people)


@pytest.mark.parametrize(
    ("monday", "utc_start", "new_york", "berlin"),
    [
        pytest.param(date(2026, 3, 2), time(14, 30), time(9, 30), time(15, 30), id="both-winter"),
        pytest.param(date(2026, 3, 9), time(14), time(10), time(15), id="us-summer-eu-winter"),
        pytest.param(date(2026, 3, 30), time(13, 30), time(9, 30), time(15, 30), id="both-summer"),
        pytest.param(date(2026, 10, 26), time(14), time(10), time(15), id="eu-winter-us-summer"),
        pytest.param(
            date(2026, 11, 2), time(14, 30), time(9, 30), time(15, 30), id="both-winter-2"
        ),
    ],
)
def test_dst_weeks_move_the_overlap_correctly(monday, utc_start, new_york, berlin):
    people = [PersonCalendar("America/New_York"), PersonCalendar("Europe/Berlin")]

    slots = suggest_slots(people, duration=HOUR, **week_of(monday))

    assert len(slots) == 5
    assert {s.start.time() for s in slots} == {utc_start}
    assert {t for _, t, _ in local_hours(slots, NEW_YORK)} == {new_york}
    assert {t for _, t, _ in local_hours(slots, BERLIN)} == {berlin}
    assert_all_valid(slots, people)


def test_a_range_across_both_spring_changes_stays_inside_hours_every_day():
    people = [PersonCalendar("America/New_York"), PersonCalendar("Europe/Berlin")]
    start = utc(2026, 3, 5)

    slots = suggest_slots(
        people, duration=HOUR, start=start, end=start + timedelta(days=28), count=20
    )

    assert len(slots) == 20
    assert_all_valid(slots, people)
    assert len({s.start.astimezone(NEW_YORK).date() for s in slots}) == 20


def test_hours_that_the_spring_change_skips_start_at_the_jump():
    # 02:30 does not exist in New York on 8 March 2026: the clocks go from 02:00 to 03:00 EDT.
    night_owl = PersonCalendar(
        "America/New_York", working_hours=(time(2, 30), time(4)), working_days=EVERY_DAY
    )
    anyone = PersonCalendar("UTC", working_hours=(time(0), time(0)), working_days=EVERY_DAY)
    start = utc(2026, 3, 8)

    slots = suggest_slots(
        [night_owl, anyone],
        duration=timedelta(minutes=30),
        start=start,
        end=start + timedelta(days=1),
        avoid_quiet_hours=False,
    )

    # 03:00-04:00 EDT is 07:00-08:00 UTC.
    assert [s.start for s in slots] == [utc(2026, 3, 8, 7), utc(2026, 3, 8, 7, 30)]
    assert_all_valid(slots, [night_owl, anyone], avoid_quiet=False)


def test_hours_ending_in_the_skipped_hour_end_at_the_jump():
    night_owl = PersonCalendar(
        "America/New_York", working_hours=(time(0), time(2, 30)), working_days=EVERY_DAY
    )
    anyone = PersonCalendar("UTC", working_hours=(time(0), time(0)), working_days=EVERY_DAY)
    start = utc(2026, 3, 8)

    slots = suggest_slots(
        [night_owl, anyone],
        duration=HOUR,
        start=start,
        end=start + timedelta(days=1),
        avoid_quiet_hours=False,
    )

    # 00:00 EST is 05:00 UTC and the jump is at 07:00 UTC; the middle hour of that is chosen.
    assert [s.start for s in slots] == [utc(2026, 3, 8, 5, 30)]
    assert_all_valid(slots, [night_owl, anyone], avoid_quiet=False)


@pytest.mark.parametrize(
    ("hours", "expected_utc_starts"),
    [
        # 01:00-02:00 happens twice on 1 November 2026; a window opening at 01:00 opens the
        # second time (06:00 UTC), so the first pass (05:00-06:00 UTC) is never offered.
        pytest.param((time(1), time(2)), [(6, 0), (6, 30)], id="opens-in-repeated-hour"),
        # A window closing at 01:30 closes the first time (05:30 UTC).
        pytest.param((time(0, 30), time(1, 30)), [(4, 30), (5, 0)], id="closes-in-repeated-hour"),
    ],
)
def test_hours_in_the_repeated_autumn_hour_never_leak_outside(hours, expected_utc_starts):
    night_owl = PersonCalendar("America/New_York", working_hours=hours, working_days=EVERY_DAY)
    anyone = PersonCalendar("UTC", working_hours=(time(0), time(0)), working_days=EVERY_DAY)
    start = utc(2026, 11, 1)

    slots = suggest_slots(
        [night_owl, anyone],
        duration=timedelta(minutes=30),
        start=start,
        end=start + timedelta(days=1),
        avoid_quiet_hours=False,
    )

    assert [(s.start.hour, s.start.minute) for s in slots] == expected_utc_starts
    assert_all_valid(slots, [night_owl, anyone], avoid_quiet=False)


def test_shared_busy_time_and_personal_busy_time_are_avoided():
    tuesday_middle = Interval(utc(2026, 6, 9, 13), utc(2026, 6, 9, 15))
    wednesday_first = Interval(utc(2026, 6, 10, 13), utc(2026, 6, 10, 14))
    people = [
        PersonCalendar("Europe/Berlin", busy=[wednesday_first]),
        PersonCalendar("America/New_York"),
    ]

    slots = suggest_slots(people, duration=HOUR, busy=[tuesday_middle], **week_of(date(2026, 6, 8)))

    by_day = {s.start.date(): s.start for s in slots}
    assert date(2026, 6, 9) not in by_day  # the whole shared window is busy
    assert by_day[date(2026, 6, 10)] == utc(2026, 6, 10, 14)
    # Tuesday's place is not refilled: each remaining day's best slot already sits in the
    # middle of its two-hour window, leaving no free hour beside it.
    assert len(slots) == 4
    assert not any(overlaps(s, i) for s in slots for i in (tuesday_middle, wednesday_first))


def test_availability_windows_narrow_working_hours():
    only_wednesday_morning = [WeeklyWindow(2, time(9), time(10))]
    people = [
        PersonCalendar("Europe/Berlin"),
        PersonCalendar("America/New_York", availability=only_wednesday_morning),
    ]

    slots = suggest_slots(people, duration=timedelta(minutes=30), **week_of(date(2026, 6, 8)))

    assert [s.start.astimezone(NEW_YORK) for s in slots] == [
        datetime(2026, 6, 10, 9, tzinfo=NEW_YORK),
        datetime(2026, 6, 10, 9, 30, tzinfo=NEW_YORK),
    ]
    assert_all_valid(slots, people)


def test_suggestions_use_one_slot_a_day_until_days_run_out():
    people = [PersonCalendar("Europe/Berlin"), PersonCalendar("Europe/Paris")]
    start = utc(2026, 6, 8)

    over_a_week = suggest_slots(people, duration=HOUR, start=start, end=start + timedelta(days=7))
    over_two_days = suggest_slots(
        people, duration=HOUR, start=start, end=start + timedelta(days=2), count=5
    )

    assert len({s.start.date() for s in over_a_week}) == 5
    assert len(over_two_days) == 5
    assert [s.start for s in over_two_days] == sorted(s.start for s in over_two_days)
    assert all(a.end <= b.start for a, b in itertools.pairwise(over_two_days))
    # The first pick on each day is the middle of 09:00-17:00 Berlin, 12:30-13:30 local.
    assert utc(2026, 6, 8, 10, 30) in {s.start for s in over_two_days}


def test_quiet_hours_keep_a_long_working_day_out_of_the_night():
    early_bird = PersonCalendar("Europe/Berlin", working_hours=(time(5), time(23)))
    start = utc(2026, 6, 8)

    with_quiet = suggest_slots(
        [early_bird], duration=HOUR, start=start, end=start + timedelta(days=1), count=40
    )
    without_quiet = suggest_slots(
        [early_bird],
        duration=HOUR,
        start=start,
        end=start + timedelta(days=1),
        count=40,
        avoid_quiet_hours=False,
    )

    assert len(with_quiet) > 5
    assert min(t for _, t, _ in local_hours(with_quiet, BERLIN)) >= time(8)
    assert max(t for _, _, t in local_hours(with_quiet, BERLIN)) <= time(20)
    assert min(t for _, t, _ in local_hours(without_quiet, BERLIN)) < time(8)


def test_suggestions_are_deterministic_and_respect_count():
    people = [PersonCalendar("Asia/Kolkata"), PersonCalendar("Europe/Berlin")]
    request = {"duration": HOUR, "count": 3, **week_of(date(2026, 6, 8))}

    assert suggest_slots(people, **request) == suggest_slots(people, **request)
    assert len(suggest_slots(people, **request)) == 3
    assert suggest_slots(people, **{**request, "count": 0}) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"start": datetime(2026, 6, 8)}, "aware"),  # deliberately naive
        ({"duration": timedelta()}, "duration"),
        ({"step": timedelta()}, "step"),
        ({"count": -1}, "count"),
        ({"end": utc(2026, 6, 1)}, "after start"),
        ({"end": utc(2028, 1, 1)}, "at most"),
    ],
)
def test_bad_requests_are_refused_with_a_reason(change, message):
    request = {"duration": HOUR, **week_of(date(2026, 6, 8)), **change}

    with pytest.raises(ValueError, match=message):
        suggest_slots([PersonCalendar("Europe/Berlin")], **request)


def test_bad_calendars_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="Unknown IANA time zone"):
        PersonCalendar("Mars/Olympus_Mons")
    with pytest.raises(ValueError, match="end after it starts"):
        PersonCalendar("UTC", working_hours=(time(17), time(9)))
    with pytest.raises(ValueError, match="working_days"):
        PersonCalendar("UTC", working_days=frozenset({7}))
    with pytest.raises(ValueError, match="weekday"):
        WeeklyWindow(7, time(9), time(10))
    with pytest.raises(ValueError, match="end after it starts"):
        Interval(utc(2026, 1, 2), utc(2026, 1, 1))


def test_shared_working_hours_follow_both_dst_changes():
    new_york, berlin = PersonCalendar("America/New_York"), PersonCalendar("Europe/Berlin")

    assert shared_working_hours(berlin, new_york, date(2026, 3, 2)) == 2.0
    assert shared_working_hours(berlin, new_york, date(2026, 3, 9)) == 3.0
    assert shared_working_hours(new_york, berlin, date(2026, 3, 9)) == 3.0
    assert shared_working_hours(berlin, new_york, date(2026, 3, 30)) == 2.0
    assert shared_working_hours(berlin, new_york, date(2026, 3, 7)) == 0.0  # Saturday


def test_shared_working_hours_reach_across_the_date_line():
    kiritimati = PersonCalendar("Pacific/Kiritimati", working_days=EVERY_DAY)  # UTC+14
    pago_pago = PersonCalendar("Pacific/Pago_Pago", working_days=EVERY_DAY)  # UTC-11

    # Kiritimati 09:00-17:00 is 08:00-16:00 the day before in Pago Pago: a full overlap.
    assert shared_working_hours(kiritimati, pago_pago, date(2026, 6, 10)) == 7.0


# --- the property -------------------------------------------------------------------------------

ZONES = [
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Helsinki",
    "Europe/Moscow",
    "Europe/Chisinau",
    "Africa/Lagos",
    "Africa/Casablanca",
    "Africa/Cairo",
    "Asia/Tehran",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Asia/Beirut",
    "Australia/Sydney",
    "Australia/Adelaide",
    "Australia/Lord_Howe",
    "Pacific/Auckland",
    "Pacific/Chatham",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "America/St_Johns",
    "America/Halifax",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Havana",
    "America/Santiago",
    "America/Sao_Paulo",
]
# Dates near DST changes somewhere (both hemispheres), and some ordinary ones.
ANCHORS = [
    date(2026, 3, 6),
    date(2026, 3, 26),
    date(2026, 4, 3),
    date(2026, 9, 4),
    date(2026, 9, 25),
    date(2026, 10, 22),
    date(2026, 10, 30),
    date(2026, 6, 15),
]


@st.composite
def wall_window(draw, min_quarters: int = 4, latest_start: int = 96) -> tuple[time, time]:
    start = draw(st.integers(0, min(latest_start, 96 - min_quarters)))
    end = draw(st.integers(start + min_quarters, 96))
    return _quarters_to_time(start), _quarters_to_time(end)


def _quarters_to_time(quarters: int) -> time:
    return time(quarters // 4 % 24, quarters % 4 * 15)


@st.composite
def person(draw, range_start: datetime) -> PersonCalendar:
    # Mostly without availability windows: with them few random requests have any answer.
    windows = draw(
        st.one_of(
            st.just([]),
            st.lists(st.tuples(st.integers(0, 6), wall_window(min_quarters=8)), max_size=6),
        )
    )
    busy = [
        Interval(range_start + offset, range_start + offset + length)
        for offset, length in draw(
            st.lists(
                st.tuples(
                    st.integers(0, 8 * 24 * 4).map(lambda q: timedelta(minutes=15 * q)),
                    st.integers(1, 24).map(lambda q: timedelta(minutes=15 * q)),
                ),
                max_size=2,
            )
        )
    ]
    return PersonCalendar(
        draw(st.sampled_from(ZONES)),
        # Often starting in the small hours, where the clocks change.
        working_hours=draw(
            st.one_of(wall_window(min_quarters=16), wall_window(min_quarters=4, latest_start=16))
        ),
        working_days=draw(st.frozensets(st.integers(0, 6), min_size=3)),
        availability=[WeeklyWindow(day, *span) for day, span in windows],
        busy=busy,
    )


@st.composite
def requests(draw):
    start = datetime.combine(draw(st.sampled_from(ANCHORS)), time(), tzinfo=UTC) + timedelta(
        hours=draw(st.integers(0, 72))
    )
    people = draw(st.lists(person(start), min_size=1, max_size=3))
    return {
        "people": people,
        "start": start,
        "end": start + timedelta(hours=draw(st.integers(6, 8 * 24))),
        "duration": timedelta(minutes=draw(st.sampled_from([30, 45, 60, 90]))),
        "step": timedelta(minutes=draw(st.sampled_from([15, 30, 60]))),
        "count": draw(st.integers(1, 6)),
        "busy": [],
        "avoid_quiet_hours": draw(st.booleans()),
    }


def _near_dst_change(moment: datetime, people: list[PersonCalendar]) -> bool:
    for person in people:
        zone = ZoneInfo(person.timezone)
        before = (moment - timedelta(days=2)).astimezone(zone).utcoffset()
        if before != (moment + timedelta(days=2)).astimezone(zone).utcoffset():
            return True
    return False


def _valid_grid_starts(request) -> list[datetime]:
    """Brute force: every start on the grid that the oracle accepts."""
    people, duration, step = request["people"], request["duration"], request["step"]
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    moment = epoch + -((epoch - request["start"]) // step) * step
    found = []
    while moment + duration <= request["end"]:
        slot = Slot(moment, moment + duration, tuple(p.timezone for p in people))
        busy = [i for p in people for i in p.busy]
        if not any(overlaps(slot, i) for i in busy) and not any(
            slot_problems(slot, p, avoid_quiet=request["avoid_quiet_hours"]) for p in people
        ):
            found.append(moment)
        moment += step
    return found


@pytest.mark.slow
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests())
def test_every_suggestion_fits_everybody_and_none_is_missed(request):
    slots = suggest_slots(**request)
    people, duration = request["people"], request["duration"]

    assert len(slots) <= request["count"]
    assert [s.start for s in slots] == sorted(s.start for s in slots)
    assert all(a.end <= b.start for a, b in itertools.pairwise(slots))
    for slot in slots:
        assert slot.end - slot.start == duration
        assert request["start"] <= slot.start
        assert slot.end <= request["end"]
        assert (slot.start - datetime(1970, 1, 1, tzinfo=UTC)) % request["step"] == timedelta()
        assert not any(overlaps(slot, i) for p in people for i in p.busy)
        for p in people:
            assert slot_problems(slot, p, avoid_quiet=request["avoid_quiet_hours"]) == []

    # Nothing valid is missed: with room to spare, every valid start clashes with a suggestion.
    # (Next to a DST change the search is deliberately conservative, so those are exempt.)
    if len(slots) < request["count"]:
        for missed in _valid_grid_starts(request):
            clashes = any(abs(missed - s.start) < duration for s in slots)
            assert clashes or _near_dst_change(missed, people), missed


def _clock_changes_in_2026() -> list[tuple[str, date]]:
    """Every (zone, local date) in 2026 on which that zone's offset changes."""
    changes = []
    for key in ZONES:
        zone = ZoneInfo(key)
        moment = datetime(2026, 1, 1, tzinfo=UTC)
        while moment.year == 2026:
            after = moment + timedelta(hours=6)
            if moment.astimezone(zone).utcoffset() != after.astimezone(zone).utcoffset():
                changes.append((key, after.astimezone(zone).date()))
            moment = after
    return changes


CLOCK_CHANGES = _clock_changes_in_2026()


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(
    change=st.sampled_from(CLOCK_CHANGES),
    hours=wall_window(min_quarters=4, latest_start=20),
    duration=st.sampled_from([15, 30, 60]).map(lambda m: timedelta(minutes=m)),
)
def test_no_slot_leaks_outside_hours_on_the_day_the_clocks_change(change, hours, duration):
    key, day = change
    night_owl = PersonCalendar(key, working_hours=hours, working_days=EVERY_DAY)
    anyone = PersonCalendar("UTC", working_hours=(time(0), time(0)), working_days=EVERY_DAY)
    start = datetime.combine(day - timedelta(days=1), time(), tzinfo=UTC)

    slots = suggest_slots(
        [night_owl, anyone],
        duration=duration,
        start=start,
        end=start + timedelta(days=3),
        count=100,
        step=timedelta(minutes=15),
        avoid_quiet_hours=False,
    )

    assert slots  # three days of the same hours always leave room somewhere
    assert_all_valid(slots, [night_owl, anyone], avoid_quiet=False)


# --- quiet hours ---------------------------------------------------------------------------------


def test_a_reminder_due_at_night_waits_for_the_morning():
    due = datetime(2026, 6, 10, 23, tzinfo=BERLIN)  # Wednesday

    delivery = next_delivery_time(due.astimezone(UTC), "Europe/Berlin")

    assert delivery == datetime(2026, 6, 11, 8, tzinfo=BERLIN)
    assert delivery.tzinfo is UTC


def test_a_reminder_due_in_the_small_hours_waits_until_eight_the_same_day():
    due = datetime(2026, 6, 10, 3, tzinfo=NEW_YORK)

    assert next_delivery_time(due, "America/New_York") == datetime(2026, 6, 10, 8, tzinfo=NEW_YORK)


def test_a_reminder_during_the_day_goes_now():
    due = datetime(2026, 6, 10, 10, tzinfo=BERLIN)

    assert next_delivery_time(due.astimezone(UTC), "Europe/Berlin") == due


def test_a_friday_night_reminder_waits_for_monday_when_weekends_are_excluded():
    friday_night = datetime(2026, 6, 12, 23, tzinfo=BERLIN)
    saturday_noon = datetime(2026, 6, 13, 12, tzinfo=BERLIN)
    monday_morning = datetime(2026, 6, 15, 8, tzinfo=BERLIN)

    for due in (friday_night, saturday_noon):
        assert next_delivery_time(due, "Europe/Berlin", working_days=range(5)) == monday_morning
    assert next_delivery_time(friday_night, "Europe/Berlin") == datetime(
        2026, 6, 13, 8, tzinfo=BERLIN
    )


def test_quiet_hours_within_the_day_and_an_excluded_weekend():
    saturday = datetime(2026, 6, 13, 10, tzinfo=BERLIN)
    lunch = {"quiet_start": time(12), "quiet_end": time(14)}

    assert next_delivery_time(saturday, "Europe/Berlin", **lunch, working_days=range(5)) == (
        datetime(2026, 6, 15, 0, tzinfo=BERLIN)
    )
    assert next_delivery_time(saturday.replace(hour=13), "Europe/Berlin", **lunch) == (
        saturday.replace(hour=14)
    )


def test_quiet_hours_that_end_in_the_skipped_hour_end_at_the_jump():
    due = datetime(2026, 3, 8, 1, 30, tzinfo=NEW_YORK)  # the clocks jump 02:00 -> 03:00

    delivery = next_delivery_time(
        due, "America/New_York", quiet_start=time(1), quiet_end=time(2, 30)
    )

    assert delivery == utc(2026, 3, 8, 7)
    assert delivery.astimezone(NEW_YORK).time() == time(3)


def test_quiet_hours_are_read_in_the_recipients_zone():
    due = utc(2026, 6, 10, 23)  # 19:00 in New York, 01:00 in Berlin

    assert next_delivery_time(due, "America/New_York") == due
    assert next_delivery_time(due, "Europe/Berlin") == datetime(2026, 6, 11, 8, tzinfo=BERLIN)


def test_next_delivery_time_refuses_naive_times_and_empty_weeks():
    with pytest.raises(ValueError, match="aware"):
        next_delivery_time(datetime(2026, 6, 10, 23), "Europe/Berlin")
    with pytest.raises(ValueError, match="working_days"):
        next_delivery_time(utc(2026, 6, 10), "Europe/Berlin", working_days=[])


# --- recurring series ----------------------------------------------------------------------------


def test_a_weekly_series_keeps_ten_oclock_across_the_us_spring_change():
    first = datetime(2026, 3, 1, 10, tzinfo=NEW_YORK)

    meetings = series_occurrences(first, "weekly", count=3)

    assert [m.astimezone(NEW_YORK).time() for m in meetings] == [time(10)] * 3
    assert [m.astimezone(UTC).hour for m in meetings] == [15, 14, 14]
    assert [m.date() for m in meetings] == [date(2026, 3, 1), date(2026, 3, 8), date(2026, 3, 15)]


def test_a_weekly_series_keeps_ten_oclock_across_the_eu_autumn_change():
    meetings = series_occurrences(datetime(2026, 10, 20, 10, tzinfo=BERLIN), "weekly", count=2)

    assert [m.astimezone(UTC).hour for m in meetings] == [8, 9]
    assert all(m.tzinfo is BERLIN and m.hour == 10 for m in meetings)


def test_a_biweekly_series_until_a_date_includes_that_date():
    first = datetime(2026, 1, 5, 18, tzinfo=BERLIN)

    meetings = series_occurrences(first, "biweekly", until=datetime(2026, 2, 16, 18, tzinfo=BERLIN))

    assert [m.date() for m in meetings] == [
        date(2026, 1, 5),
        date(2026, 1, 19),
        date(2026, 2, 2),
        date(2026, 2, 16),
    ]


@pytest.mark.parametrize(
    ("year", "february"),
    [pytest.param(2026, 28, id="common-year"), pytest.param(2028, 29, id="leap-year")],
)
def test_a_monthly_series_clamps_to_the_month_end_without_drifting(year, february):
    meetings = series_occurrences(datetime(year, 1, 31, 9, tzinfo=BERLIN), "monthly", count=5)

    assert [(m.month, m.day) for m in meetings] == [
        (1, 31),
        (2, february),
        (3, 31),
        (4, 30),
        (5, 31),
    ]
    assert {m.hour for m in meetings} == {9}  # across the EU spring change too


def test_a_series_time_skipped_by_the_spring_change_moves_forward_an_hour():
    meetings = series_occurrences(datetime(2026, 3, 1, 2, 30, tzinfo=NEW_YORK), "weekly", count=3)

    assert [m.time() for m in meetings] == [time(2, 30), time(3, 30), time(2, 30)]
    assert meetings[1] == utc(2026, 3, 8, 7, 30)


@pytest.mark.parametrize(
    ("first", "cadence", "limit"),
    [
        (datetime(2026, 3, 1, 10, tzinfo=NEW_YORK), "weekly", {"count": 10}),
        (datetime(2026, 3, 1, 2, 30, tzinfo=NEW_YORK), "weekly", {"count": 4}),
        (datetime(2026, 10, 4, 1, 30, tzinfo=NEW_YORK), "weekly", {"count": 6}),
        (datetime(2026, 1, 5, 18, tzinfo=BERLIN), "biweekly", {"until": utc(2026, 6, 1)}),
        (datetime(2026, 1, 31, 9, tzinfo=BERLIN), "monthly", {"count": 14}),
        (datetime(2026, 1, 30, 9, tzinfo=BERLIN), "monthly", {"until": utc(2027, 3, 31)}),
        (datetime(2026, 1, 15, 9, tzinfo=BERLIN), "monthly", {"count": 12}),
    ],
)
def test_the_rrule_expands_to_the_same_meetings(first, cadence, limit):
    rrule = pytest.importorskip("dateutil.rrule")  # python-dateutil comes with icalendar
    rule = series_rrule(first, cadence, **limit)
    text = (
        ";".join(
            f"{key}={value.strftime('%Y%m%dT%H%M%SZ') if key == 'UNTIL' else value}"
            for key, value in rule.items()
        )
        .replace("[", "")
        .replace("]", "")
        .replace(" ", "")
    )

    expanded = list(rrule.rrulestr(text, dtstart=first))

    # dateutil keeps skipped wall times as they are; comparing instants settles that.
    assert [m.astimezone(UTC) for m in expanded] == [
        m.astimezone(UTC) for m in series_occurrences(first, cadence, **limit)
    ]


def test_series_rrule_spells_the_cadence():
    first = datetime(2026, 1, 31, 9, tzinfo=BERLIN)

    assert series_rrule(first, "weekly", count=4) == {"FREQ": "WEEKLY", "COUNT": 4}
    assert series_rrule(first, "biweekly", until=datetime(2026, 3, 1, 9, tzinfo=BERLIN)) == {
        "FREQ": "WEEKLY",
        "INTERVAL": 2,
        "UNTIL": utc(2026, 3, 1, 8),
    }
    assert series_rrule(first, "monthly", count=3) == {
        "FREQ": "MONTHLY",
        "BYMONTHDAY": [28, 29, 30, 31],
        "BYSETPOS": -1,
        "COUNT": 3,
    }


def test_series_need_exactly_one_limit_and_an_aware_start():
    first = datetime(2026, 1, 5, 18, tzinfo=BERLIN)

    with pytest.raises(ValueError, match="exactly one"):
        series_occurrences(first, "weekly")
    with pytest.raises(ValueError, match="exactly one"):
        series_occurrences(first, "weekly", count=2, until=utc(2026, 3, 1))
    with pytest.raises(ValueError, match="aware"):
        series_occurrences(first.replace(tzinfo=None), "weekly", count=2)
    with pytest.raises(ValueError, match="at most"):
        series_occurrences(first, "weekly", until=utc(2040, 1, 1))
    with pytest.raises(ValueError, match="cadence"):
        series_occurrences(first, "daily", count=2)  # type: ignore[arg-type]

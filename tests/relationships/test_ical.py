"""iCalendar invitations and feeds: parseable, round-trippable, correct across DST changes."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event

from tandem.relationships.ical import PRODID, MeetingInfo, calendar_feed, meeting_invitation
from tandem.relationships.slots import series_rrule

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
STAMP = datetime(2026, 3, 1, 12, tzinfo=UTC)
MENTOR = ("Zoë Müller", "zoe@example.org")
MENTEE = ('O\'Brien, José; "JJ"', "jose@example.org")


def meeting(**changes) -> MeetingInfo:
    fields = {
        "uid": "meeting-42@tandem.example",
        "sequence": 0,
        "start": datetime(2026, 3, 23, 10, tzinfo=BERLIN),
        "end": datetime(2026, 3, 23, 11, tzinfo=BERLIN),
        "timezone": "Europe/Berlin",
        "summary": "Mentoring session",
        "organizer": ("Tandem", "noreply@tandem.example"),
        "attendees": [MENTOR, MENTEE],
        "description": "Agenda: goals",
        "location": "https://meet.example/abc",
        "url": "https://meet.example/abc",
    }
    return MeetingInfo(**{**fields, **changes})


def parse(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def only_event(calendar: Calendar) -> Event:
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return events[0]


def attendees(event: Event) -> list[tuple[str, str]]:
    found = event.get("ATTENDEE", [])
    found = found if isinstance(found, list) else [found]
    return [(str(a.params.get("CN")), str(a)) for a in found]


def resolved_through_vtimezone(calendar: Calendar, event: Event) -> datetime:
    """The start as a client without its own zone database would read it."""
    start = event.decoded("DTSTART")
    tzid = event["DTSTART"].params["TZID"]
    vtimezone = next(tz for tz in calendar.walk("VTIMEZONE") if tz["TZID"] == tzid)
    from_vtimezone = vtimezone.to_tz(lookup_tzid=False)
    return start.replace(tzinfo=from_vtimezone).astimezone(UTC)


# --- invitations ---------------------------------------------------------------------------


def test_an_invitation_carries_every_field_an_invitee_needs():
    calendar = parse(meeting_invitation(meeting(), method="REQUEST", stamp=STAMP))
    event = only_event(calendar)

    assert str(calendar["PRODID"]) == PRODID
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == "meeting-42@tandem.example"
    assert event.decoded("SEQUENCE") == 0
    assert event.decoded("DTSTAMP") == STAMP
    assert event.decoded("DTSTAMP").utcoffset() == timedelta()
    assert event.decoded("DTSTART") == datetime(2026, 3, 23, 10, tzinfo=BERLIN)
    assert event.decoded("DTEND") == datetime(2026, 3, 23, 11, tzinfo=BERLIN)
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert str(event["SUMMARY"]) == "Mentoring session"
    assert str(event["DESCRIPTION"]) == "Agenda: goals"
    assert str(event["LOCATION"]) == str(event["URL"]) == "https://meet.example/abc"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["ORGANIZER"]) == "mailto:noreply@tandem.example"
    assert event["ORGANIZER"].params["CN"] == "Tandem"
    assert attendees(event) == [
        (MENTOR[0], "mailto:zoe@example.org"),
        (MENTEE[0], "mailto:jose@example.org"),
    ]
    for attendee in event["ATTENDEE"]:
        assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
        assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
        assert attendee.params["RSVP"] == "TRUE"
    assert event.walk("VALARM") == []


def test_an_invitation_round_trips_through_the_parser():
    original = meeting_invitation(meeting(), method="REQUEST", stamp=STAMP)

    first = only_event(parse(original))
    second = only_event(parse(parse(original).to_ical()))

    for event in (first, second):
        assert str(event["UID"]) == "meeting-42@tandem.example"
        assert event.decoded("SEQUENCE") == 0
        assert event.decoded("DTSTART") == datetime(2026, 3, 23, 10, tzinfo=BERLIN)
        assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
        assert attendees(event) == attendees(first)
    assert parse(original).to_ical() == original


def test_invitations_are_deterministic_given_the_stamp():
    assert meeting_invitation(meeting(), method="REQUEST", stamp=STAMP) == meeting_invitation(
        meeting(), method="REQUEST", stamp=STAMP
    )


def test_dtstamp_defaults_to_now_in_utc():
    before = datetime.now(UTC).replace(microsecond=0)

    stamp = only_event(parse(meeting_invitation(meeting(), method="REQUEST"))).decoded("DTSTAMP")

    assert before <= stamp <= datetime.now(UTC)


def test_a_reschedule_keeps_the_uid_and_raises_the_sequence():
    first = meeting()
    moved = dataclasses.replace(
        first,
        sequence=first.sequence + 1,
        start=first.start + timedelta(days=1, hours=2),
        end=first.end + timedelta(days=1, hours=2),
    )

    before = only_event(parse(meeting_invitation(first, method="REQUEST", stamp=STAMP)))
    after = only_event(parse(meeting_invitation(moved, method="REQUEST", stamp=STAMP)))

    assert str(after["UID"]) == str(before["UID"])
    assert after.decoded("SEQUENCE") > before.decoded("SEQUENCE")
    assert after.decoded("DTSTART") == datetime(2026, 3, 24, 12, tzinfo=BERLIN)


def test_a_cancellation_uses_method_cancel_and_status_cancelled():
    cancelled = dataclasses.replace(meeting(), sequence=2)

    calendar = parse(meeting_invitation(cancelled, method="CANCEL", stamp=STAMP))
    event = only_event(calendar)

    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == "meeting-42@tandem.example"
    assert event.decoded("SEQUENCE") == 2
    assert len(attendees(event)) == 2
    for attendee in event["ATTENDEE"]:
        assert "RSVP" not in attendee.params  # nothing to answer


def test_a_cancelled_meeting_is_not_sent_as_a_request():
    with pytest.raises(ValueError, match="CANCEL"):
        meeting_invitation(meeting(status="CANCELLED"), method="REQUEST", stamp=STAMP)
    with pytest.raises(ValueError, match="method"):
        meeting_invitation(meeting(), method="PUBLISH", stamp=STAMP)  # type: ignore[arg-type]


def test_an_optional_alarm_fires_fifteen_minutes_before():
    event = only_event(
        parse(
            meeting_invitation(
                meeting(alarm_before=timedelta(minutes=15)), method="REQUEST", stamp=STAMP
            )
        )
    )

    (alarm,) = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == timedelta(minutes=-15)


def test_created_and_last_modified_are_written_in_utc():
    created = datetime(2026, 2, 1, 9, tzinfo=BERLIN)
    event = only_event(
        parse(
            meeting_invitation(
                meeting(created=created, last_modified=created + timedelta(days=1)),
                method="REQUEST",
                stamp=STAMP,
            )
        )
    )

    assert event.decoded("CREATED") == datetime(2026, 2, 1, 8, tzinfo=UTC)
    assert event.decoded("LAST-MODIFIED") == datetime(2026, 2, 2, 8, tzinfo=UTC)
    assert event.decoded("CREATED").utcoffset() == timedelta()


# --- time zones ------------------------------------------------------------------------------


def test_the_vtimezone_matches_the_tzid_and_holds_both_dst_changes():
    calendar = parse(meeting_invitation(meeting(), method="REQUEST", stamp=STAMP))

    (vtimezone,) = calendar.walk("VTIMEZONE")
    assert vtimezone["TZID"] == "Europe/Berlin"
    assert {c.name for c in vtimezone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    offsets = {
        (c.name, c["TZOFFSETFROM"].to_ical(), c["TZOFFSETTO"].to_ical())
        for c in vtimezone.subcomponents
    }
    assert ("DAYLIGHT", "+0100", "+0200") in offsets
    assert ("STANDARD", "+0200", "+0100") in offsets


@pytest.mark.parametrize(
    ("local_start", "expected_utc"),
    [
        pytest.param(datetime(2026, 3, 23, 10, tzinfo=BERLIN), datetime(2026, 3, 23, 9), id="cet"),
        pytest.param(datetime(2026, 3, 30, 10, tzinfo=BERLIN), datetime(2026, 3, 30, 8), id="cest"),
        pytest.param(
            datetime(2026, 10, 26, 10, tzinfo=BERLIN), datetime(2026, 10, 26, 9), id="cet2"
        ),
        pytest.param(datetime(2026, 3, 9, 10, tzinfo=NEW_YORK), datetime(2026, 3, 9, 14), id="edt"),
        pytest.param(
            datetime(2026, 11, 2, 10, tzinfo=NEW_YORK), datetime(2026, 11, 2, 15), id="est"
        ),
    ],
)
def test_the_vtimezone_alone_gives_the_right_instant(local_start, expected_utc):
    info = meeting(
        start=local_start, end=local_start + timedelta(hours=1), timezone=str(local_start.tzinfo)
    )
    calendar = parse(meeting_invitation(info, method="REQUEST", stamp=STAMP))

    assert resolved_through_vtimezone(calendar, only_event(calendar)) == expected_utc.replace(
        tzinfo=UTC
    )


def test_a_meeting_given_in_another_zone_is_written_in_the_organisers_zone():
    start = datetime(2026, 3, 30, 8, tzinfo=UTC)
    info = meeting(start=start, end=start + timedelta(hours=1))

    event = only_event(parse(meeting_invitation(info, method="REQUEST", stamp=STAMP)))

    assert event["DTSTART"].to_ical() == b"20260330T100000"
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"


def test_a_utc_meeting_needs_no_vtimezone():
    start = datetime(2026, 3, 30, 8, tzinfo=UTC)
    data = meeting_invitation(
        meeting(start=start, end=start + timedelta(hours=1), timezone="UTC"),
        method="REQUEST",
        stamp=STAMP,
    )

    assert b"DTSTART:20260330T080000Z" in data
    assert parse(data).walk("VTIMEZONE") == []


def test_a_recurring_series_has_its_rrule_and_a_vtimezone_for_its_whole_span():
    first = datetime(2026, 9, 7, 18, tzinfo=BERLIN)
    rule = series_rrule(first, "biweekly", until=datetime(2027, 6, 28, 18, tzinfo=BERLIN))
    info = meeting(start=first, end=first + timedelta(hours=1), rrule=rule)

    data = meeting_invitation(info, method="REQUEST", stamp=STAMP)
    calendar = parse(data)
    event = only_event(calendar)

    assert b"RRULE:FREQ=WEEKLY;UNTIL=20270628T160000Z;INTERVAL=2" in data
    assert event["RRULE"]["INTERVAL"] == [2]
    # The VTIMEZONE reaches the 2027 spring change, so the last meeting (CEST) reads right.
    (vtimezone,) = calendar.walk("VTIMEZONE")
    last = datetime(2027, 6, 28, 18).replace(tzinfo=vtimezone.to_tz(lookup_tzid=False))
    assert last.astimezone(UTC) == datetime(2027, 6, 28, 16, tzinfo=UTC)


def test_a_monthly_series_clamps_to_the_month_end_in_the_rrule():
    first = datetime(2026, 1, 31, 9, tzinfo=BERLIN)
    info = meeting(
        start=first, end=first + timedelta(hours=1), rrule=series_rrule(first, "monthly", count=6)
    )

    data = meeting_invitation(info, method="REQUEST", stamp=STAMP)

    assert b"RRULE:FREQ=MONTHLY;COUNT=6;BYMONTHDAY=28,29,30,31;BYSETPOS=-1" in data


# --- feeds -------------------------------------------------------------------------------------


def test_a_feed_holds_every_meeting_and_marks_cancelled_ones():
    meetings = [
        meeting(),
        meeting(
            uid="meeting-43@tandem.example",
            sequence=3,
            status="CANCELLED",
            start=datetime(2026, 11, 2, 10, tzinfo=NEW_YORK),
            end=datetime(2026, 11, 2, 11, tzinfo=NEW_YORK),
            timezone="America/New_York",
        ),
        meeting(uid="meeting-44@tandem.example", sequence=1, status="TENTATIVE"),
    ]

    data = calendar_feed(meetings, name="Zoë's mentoring", stamp=STAMP)
    calendar = parse(data)

    assert "METHOD" not in calendar
    assert str(calendar["X-WR-CALNAME"]) == str(calendar["NAME"]) == "Zoë's mentoring"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in data
    assert b"X-PUBLISHED-TTL:PT1H\r\n" in data
    by_uid = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert {uid: e.decoded("SEQUENCE") for uid, e in by_uid.items()} == {
        "meeting-42@tandem.example": 0,
        "meeting-43@tandem.example": 3,
        "meeting-44@tandem.example": 1,
    }
    assert {uid: str(e["STATUS"]) for uid, e in by_uid.items()} == {
        "meeting-42@tandem.example": "CONFIRMED",
        "meeting-43@tandem.example": "CANCELLED",
        "meeting-44@tandem.example": "TENTATIVE",
    }
    assert sorted(str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")) == [
        "America/New_York",
        "Europe/Berlin",
    ]
    assert resolved_through_vtimezone(calendar, by_uid["meeting-43@tandem.example"]) == datetime(
        2026, 11, 2, 15, tzinfo=UTC
    )


def test_a_feed_names_nobody():
    data = calendar_feed([meeting()], name="Mentoring", stamp=STAMP)

    assert b"ORGANIZER" not in data
    assert b"ATTENDEE" not in data
    assert b"mailto:" not in data


def test_an_empty_feed_is_still_a_calendar():
    calendar = parse(calendar_feed([], name="Mentoring", stamp=STAMP))

    assert calendar.walk("VEVENT") == []
    assert str(calendar["PRODID"]) == PRODID


# --- text, escaping and folding ------------------------------------------------------------------


def test_commas_semicolons_newlines_and_non_ascii_are_escaped_and_come_back_intact():
    summary = "Zoë & José, week 3; goals"
    description = "Agenda:\r\n1. Goals, hopes; fears\n2. Backslash \\ too\rend"
    data = meeting_invitation(
        meeting(summary=summary, description=description), method="REQUEST", stamp=STAMP
    )
    unfolded = data.replace(b"\r\n ", b"")

    assert "SUMMARY:Zoë & José\\, week 3\\; goals".encode() in unfolded
    assert b"DESCRIPTION:Agenda:\\n1. Goals\\, hopes\\; fears\\n2. Backslash \\\\ too\\nend" in (
        unfolded
    )
    event = only_event(parse(data))
    assert str(event["SUMMARY"]) == summary
    assert str(event["DESCRIPTION"]) == "Agenda:\n1. Goals, hopes; fears\n2. Backslash \\ too\nend"
    assert attendees(event)[1][0] == MENTEE[0]  # quotes, comma and semicolon in a name


def test_control_characters_are_dropped_from_text():
    event = only_event(
        parse(meeting_invitation(meeting(summary="Bell\x07 and\x00 tab\tok"), method="REQUEST"))
    )

    assert str(event["SUMMARY"]) == "Bell and tab\tok"


def test_long_lines_are_folded_to_75_octets_with_crlf():
    description = "Plan: " + "discuss the next steps with Zoë and José " * 12
    data = meeting_invitation(meeting(description=description), method="REQUEST", stamp=STAMP)

    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines)
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    for line in lines:
        line.decode("utf-8")  # no multi-byte character is split across a fold
    assert sum(line.startswith(b" ") for line in lines) >= 7
    assert str(only_event(parse(data))["DESCRIPTION"]) == description


# --- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"uid": ""}, "uid"),
        ({"uid": "a\r\nMETHOD:CANCEL"}, "uid"),
        ({"sequence": -1}, "sequence"),
        ({"start": datetime(2026, 3, 23, 10)}, "aware"),
        ({"created": datetime(2026, 3, 1, 10)}, "created must be an aware"),
        ({"end": datetime(2026, 3, 23, 9, tzinfo=BERLIN)}, "after start"),
        ({"timezone": "Europe/Atlantis"}, "Unknown IANA time zone"),
        ({"status": "MAYBE"}, "status"),
        ({"organizer": ("Eve", "eve@example.org\r\nATTENDEE:mailto:x@y")}, "email"),
        ({"attendees": [("No address", "nobody")]}, "email"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"alarm_before": timedelta(minutes=-5)}, "alarm_before"),
    ],
)
def test_meeting_info_refuses_what_would_break_or_inject_into_the_file(changes, message):
    with pytest.raises(ValueError, match=message):
        meeting(**changes)


def test_meeting_info_reports_every_problem_at_once():
    with pytest.raises(ValueError, match=r"sequence.*email"):
        meeting(sequence=-1, attendees=[("x", "not-an-address")])


def test_stamp_must_be_aware():
    with pytest.raises(ValueError, match="stamp"):
        meeting_invitation(meeting(), method="REQUEST", stamp=datetime(2026, 3, 1))


def test_vtimezone_years_cover_a_counted_series():
    first = datetime(2026, 12, 1, 9, tzinfo=BERLIN)
    info = meeting(
        start=first, end=first + timedelta(hours=1), rrule=series_rrule(first, "monthly", count=8)
    )

    (vtimezone,) = parse(meeting_invitation(info, method="REQUEST", stamp=STAMP)).walk("VTIMEZONE")

    onsets = [c.decoded("DTSTART") for c in vtimezone.subcomponents]
    rdates = [
        p.dt for c in vtimezone.subcomponents for r in _as_list(c.get("RDATE")) for p in r.dts
    ]
    assert {d.year for d in onsets + rdates} >= {2026, 2027}
    assert any(d.date() == date(2027, 3, 28) for d in onsets + rdates)  # 2027 spring change


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _onsets_by_the_rfc(vtimezone) -> list[tuple[datetime, timedelta]]:
    """Read a VTIMEZONE as RFC 5545 says: each onset is local time at its TZOFFSETFROM."""
    onsets = []
    for observance in vtimezone.subcomponents:
        offset_from, offset_to = observance["TZOFFSETFROM"].td, observance["TZOFFSETTO"].td
        local = [observance.decoded("DTSTART")]
        local += [p.dt for r in _as_list(observance.get("RDATE")) for p in r.dts]
        onsets += [((onset - offset_from).replace(tzinfo=UTC), offset_to) for onset in local]
    return sorted(onsets)


def _offset_at(onsets: list[tuple[datetime, timedelta]], instant: datetime) -> timedelta:
    in_force = [offset for begins, offset in onsets if begins <= instant]
    assert in_force, instant
    return in_force[-1]


@pytest.mark.parametrize(
    "tzid",
    [
        "Europe/Berlin",
        "America/New_York",
        "Australia/Sydney",
        "Australia/Lord_Howe",
        "America/Santiago",
        "America/Havana",
        "Africa/Casablanca",
        "Asia/Kolkata",
    ],
)
def test_the_vtimezone_agrees_with_the_zone_database_every_half_hour_of_the_year(tzid):
    zone = ZoneInfo(tzid)
    start = datetime(2026, 1, 5, 10, tzinfo=zone)
    info = meeting(
        start=start,
        end=start + timedelta(hours=1),
        timezone=tzid,
        rrule=series_rrule(start, "weekly", until=datetime(2026, 12, 28, 10, tzinfo=zone)),
    )
    (vtimezone,) = parse(meeting_invitation(info, method="REQUEST", stamp=STAMP)).walk("VTIMEZONE")
    onsets = _onsets_by_the_rfc(vtimezone)

    instant = datetime(2026, 1, 2, tzinfo=UTC)  # the VTIMEZONE starts at 1 January, local
    while instant.year == 2026:
        for moment in (instant, instant - timedelta(seconds=1)):
            assert _offset_at(onsets, moment) == moment.astimezone(zone).utcoffset()
        instant += timedelta(minutes=30)


def test_daylight_time_begins_at_two_oclock_standard_time_in_berlin():
    calendar = parse(meeting_invitation(meeting(), method="REQUEST", stamp=STAMP))

    (vtimezone,) = calendar.walk("VTIMEZONE")
    (daylight,) = vtimezone.walk("DAYLIGHT")
    assert daylight.decoded("DTSTART") == datetime(2026, 3, 29, 2)
    assert daylight["TZOFFSETFROM"].to_ical() == "+0100"

"""iCalendar (RFC 5545) meeting invitations and subscription feeds.

Built with the ``icalendar`` package, which escapes text (commas, semicolons, backslashes,
newlines; RFC 6868 for parameter values such as names), folds lines at 75 octets and ends them
with CRLF. Times are written in the organiser's zone with a TZID and a matching VTIMEZONE, so a
calendar program shows a weekly 10:00 meeting at 10:00 on both sides of a DST change.

Invitations follow iTIP (RFC 5546): one UID for the life of a meeting, a SEQUENCE that the
caller raises on every change, METHOD:REQUEST to create or update, METHOD:CANCEL to cancel.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from icalendar import (
    Alarm,
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vDuration,
)

from tandem.relationships.zones import load_zone, offset_changes

PRODID = "-//Tandem//Peer mentoring//EN"
DEFAULT_REFRESH = timedelta(hours=1)
# How far an open-ended series is assumed to run when writing its VTIMEZONE's transitions.
OPEN_SERIES_HORIZON = timedelta(days=5 * 366)

Method = Literal["REQUEST", "CANCEL"]
Status = Literal["CONFIRMED", "TENTATIVE", "CANCELLED"]

_STATUSES = ("CONFIRMED", "TENTATIVE", "CANCELLED")
_EMAIL = re.compile(r"[^@\s\x00-\x1f\x7f<>\"]+@[^@\s\x00-\x1f\x7f<>\"]+")
_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # all but TAB and LF
_FREQ_PERIOD = {
    "DAILY": timedelta(days=1),
    "WEEKLY": timedelta(weeks=1),
    "MONTHLY": timedelta(days=31),
    "YEARLY": timedelta(days=366),
}


@dataclass(frozen=True)
class MeetingInfo:
    """What an invitation or feed says about one meeting (or one recurring series).

    ``organizer`` and ``attendees`` are ``(name, email)`` pairs. ``sequence`` starts at 0 and
    must go up on every change the attendees should see. ``rrule`` is an ``icalendar`` recur
    dict such as ``{"FREQ": "WEEKLY", "INTERVAL": 2, "COUNT": 6}``; see
    :func:`tandem.relationships.slots.series_rrule`. ``alarm_before`` adds a display reminder
    that long before the start, e.g. ``timedelta(minutes=15)``.
    """

    uid: str
    sequence: int
    start: datetime
    end: datetime
    timezone: str
    summary: str
    organizer: tuple[str, str]
    attendees: Sequence[tuple[str, str]] = ()
    description: str = ""
    location: str = ""
    url: str = ""
    status: Status = "CONFIRMED"
    rrule: Mapping[str, Any] | None = None
    created: datetime | None = None
    last_modified: datetime | None = None
    alarm_before: timedelta | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "attendees", tuple(tuple(a) for a in self.attendees))
        problems = _meeting_problems(self)
        if problems:
            raise ValueError(f"Meeting {self.uid!r}: " + "; ".join(problems) + ".")


def meeting_invitation(
    meeting: MeetingInfo, *, method: Method, stamp: datetime | None = None
) -> bytes:
    """An iTIP invitation (``REQUEST``) or cancellation (``CANCEL``) for one meeting.

    A cancellation always says STATUS:CANCELLED; it must carry the meeting's UID and a
    SEQUENCE higher than the last invitation, which is the caller's to keep. A REQUEST for a
    meeting whose status is CANCELLED is refused. ``stamp`` (DTSTAMP) defaults to now.
    """
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"method must be REQUEST or CANCEL, got {method!r}.")
    if method == "REQUEST" and meeting.status == "CANCELLED":
        raise ValueError("A cancelled meeting is sent with method CANCEL, not REQUEST.")
    status: Status = "CANCELLED" if method == "CANCEL" else meeting.status
    event = _event(meeting, stamp=_stamp(stamp), status=status)
    event.add("organizer", _address(*meeting.organizer))
    for name, email in meeting.attendees:
        event.add("attendee", _attendee(name, email, expect_reply=method == "REQUEST"))
    calendar = _calendar([meeting], [event])
    calendar.add("method", method)
    data: bytes = calendar.to_ical()
    return data


def calendar_feed(
    events: Iterable[MeetingInfo],
    *,
    name: str,
    stamp: datetime | None = None,
    refresh: timedelta = DEFAULT_REFRESH,
) -> bytes:
    """A calendar to subscribe to: every meeting with its UID and SEQUENCE, no METHOD.

    Cancelled meetings stay in with STATUS:CANCELLED so subscribed calendars drop them. The
    feed names no organiser or attendees: a feed URL ends up on third-party sync servers, so
    people's addresses travel only in invitations, which go to those people. ``refresh`` is
    sent as REFRESH-INTERVAL (RFC 7986) and X-PUBLISHED-TTL (for Outlook and older clients).
    """
    meetings = list(events)
    when = _stamp(stamp)
    calendar = _calendar(meetings, [_event(m, stamp=when, status=m.status) for m in meetings])
    calendar.add("name", _clean_text(name))
    calendar.add("x-wr-calname", _clean_text(name))
    calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(refresh))
    data: bytes = calendar.to_ical()
    return data


# --- building blocks --------------------------------------------------------------------------


def _calendar(meetings: Sequence[MeetingInfo], events: Sequence[Event]) -> Calendar:
    """A VCALENDAR with the VTIMEZONEs the events refer to, placed before the events."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    for timezone in _timezones(meetings, events):
        calendar.add_component(timezone)
    for event in events:
        calendar.add_component(event)
    return calendar


def _event(meeting: MeetingInfo, *, stamp: datetime, status: Status) -> Event:
    zone = load_zone(meeting.timezone)
    event = Event()
    event.add("uid", meeting.uid)
    event.add("dtstamp", stamp)
    event.add("sequence", meeting.sequence)
    event.add("dtstart", meeting.start.astimezone(zone))
    event.add("dtend", meeting.end.astimezone(zone))
    if meeting.rrule:
        event.add("rrule", dict(meeting.rrule))
    event.add("summary", _clean_text(meeting.summary))
    if meeting.description:
        event.add("description", _clean_text(meeting.description))
    if meeting.location:
        event.add("location", _clean_text(meeting.location))
    if meeting.url:
        event.add("url", meeting.url)
    event.add("status", status)
    event.add("transp", "OPAQUE")
    for moment, prop in ((meeting.created, "created"), (meeting.last_modified, "last-modified")):
        if moment is not None:
            event.add(prop, moment.astimezone(UTC))
    if meeting.alarm_before is not None:
        event.add_component(_alarm(meeting.summary, meeting.alarm_before))
    return event


def _address(name: str, email: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = _clean_text(name)
    return address


def _attendee(name: str, email: str, *, expect_reply: bool) -> vCalAddress:
    attendee = _address(name, email)
    attendee.params["CUTYPE"] = "INDIVIDUAL"
    attendee.params["ROLE"] = "REQ-PARTICIPANT"
    if expect_reply:  # a cancellation asks for nothing
        attendee.params["PARTSTAT"] = "NEEDS-ACTION"
        attendee.params["RSVP"] = "TRUE"
    return attendee


def _alarm(summary: str, before: timedelta) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", _clean_text(summary))
    alarm.add("trigger", -before)
    return alarm


def _timezones(meetings: Sequence[MeetingInfo], events: Sequence[Event]) -> list[Timezone]:
    """One VTIMEZONE per TZID used, with the offset changes of every year a meeting spans."""
    years: dict[str, tuple[int, int]] = {}
    for meeting, event in zip(meetings, events, strict=True):
        tzid = event["DTSTART"].params.get("TZID")
        if tzid is None:  # UTC is written with a Z and needs no VTIMEZONE
            continue
        first, last = meeting.start.year, _series_end(meeting).year
        known = years.get(tzid, (first, last))
        years[tzid] = (min(known[0], first), max(known[1], last))
    return [_vtimezone(tzid, first, last) for tzid, (first, last) in sorted(years.items())]


def _vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """A VTIMEZONE for ``tzid`` from the start of ``first_year`` to the end of ``last_year``.

    Built here rather than with ``Timezone.from_tzid`` because icalendar 7.3 writes the onset
    of daylight time in the *new* offset's wall-clock time (03:00 rather than 02:00 in
    Berlin), while RFC 5545 reads an onset with TZOFFSETFROM: a client going by the VTIMEZONE
    alone would switch an hour late. Here every onset is the change instant plus the offset
    before it.
    """
    zone = load_zone(tzid)
    start = datetime(first_year, 1, 1, tzinfo=zone)
    offset = start.utcoffset() or timedelta()
    observances: dict[tuple[bool, timedelta, timedelta, str], list[datetime]] = {
        (bool(start.dst()), offset, offset, start.tzname() or ""): [start.replace(tzinfo=None)]
    }
    for change in offset_changes(zone, start, datetime(last_year + 1, 1, 1, tzinfo=zone)):
        local = change.astimezone(zone)
        new_offset = local.utcoffset() or timedelta()
        key = (bool(local.dst()), offset, new_offset, local.tzname() or "")
        observances.setdefault(key, []).append((change + offset).replace(tzinfo=None))
        offset = new_offset
    timezone = Timezone()
    timezone.add("tzid", tzid)
    for (is_daylight, offset_from, offset_to, name), onsets in observances.items():
        observance = TimezoneDaylight() if is_daylight else TimezoneStandard()
        observance.add("dtstart", onsets[0])
        if onsets[1:]:
            observance.add("rdate", onsets[1:])
        observance.add("tzoffsetfrom", offset_from)
        observance.add("tzoffsetto", offset_to)
        if name:
            observance.add("tzname", name)
        timezone.add_component(observance)
    return timezone


def _series_end(meeting: MeetingInfo) -> datetime:
    """A moment no later than which the meeting, or its whole series, has ended."""
    rule = {key.upper(): _first(value) for key, value in (meeting.rrule or {}).items()}
    if not rule:
        return meeting.end
    until, count = rule.get("UNTIL"), rule.get("COUNT")
    if isinstance(until, datetime):
        return max(meeting.end, until if until.tzinfo else until.replace(tzinfo=UTC))
    if isinstance(until, date):
        return max(meeting.end, datetime.combine(until, datetime.min.time(), tzinfo=UTC))
    if count is not None:
        period = _FREQ_PERIOD.get(str(rule.get("FREQ", "")).upper(), timedelta(days=366))
        return meeting.end + int(count) * int(rule.get("INTERVAL", 1)) * period
    return meeting.end + OPEN_SERIES_HORIZON


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list | tuple) and value else value


def _stamp(stamp: datetime | None) -> datetime:
    if stamp is None:
        return datetime.now(UTC)
    if stamp.tzinfo is None:
        raise ValueError("stamp must be an aware datetime.")
    return stamp.astimezone(UTC)


def _clean_text(text: str) -> str:
    """Line breaks as LF and no other control characters, which RFC 5545 text may not hold."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _meeting_problems(meeting: MeetingInfo) -> list[str]:
    problems = []
    if not meeting.uid or _CONTROL.search(meeting.uid) or "\n" in meeting.uid:
        problems.append("uid must be a non-empty single line")
    if meeting.sequence < 0:
        problems.append(f"sequence must not be negative, got {meeting.sequence}")
    moments = {
        "start": meeting.start,
        "end": meeting.end,
        "created": meeting.created,
        "last_modified": meeting.last_modified,
    }
    for what, value in moments.items():
        if value is not None and (value.tzinfo is None or value.utcoffset() is None):
            problems.append(f"{what} must be an aware datetime")
    if not problems and meeting.end <= meeting.start:
        problems.append("end must be after start")
    try:
        load_zone(meeting.timezone)
    except ValueError as exc:
        problems.append(str(exc).rstrip("."))
    if meeting.status not in _STATUSES:
        problems.append(f"status must be one of {', '.join(_STATUSES)}, got {meeting.status!r}")
    for _name, email in (meeting.organizer, *meeting.attendees):
        if not _EMAIL.fullmatch(email):
            problems.append(f"{email!r} is not an email address")
    if meeting.url and not _URL.fullmatch(meeting.url):
        problems.append(f"url must be an http(s) URL without spaces, got {meeting.url!r}")
    if meeting.alarm_before is not None and meeting.alarm_before < timedelta():
        problems.append("alarm_before must not be negative")
    return problems

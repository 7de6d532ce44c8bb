"""Meetings as iCalendar: invitation attachments and each person's private feed.

Descriptions carry a link and the program's name only — never agenda items, logs or notes —
because invitations also reach coordinators and calendar servers.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from tandem.notify.outbox import Attachment
from tandem.people.models import Person
from tandem.relationships.ical import MeetingInfo, calendar_feed, meeting_invitation
from tandem.relationships.models import Meeting, MeetingSeries, MeetingStatus
from tandem.relationships.slots import series_rrule


def meeting_url(meeting: Meeting) -> str:
    return settings.SITE_URL + reverse(
        "relationships:meeting", args=[meeting.relationship_id, meeting.pk]
    )


def _summary(meeting: Meeting) -> str:
    program = meeting.relationship.program.name
    names = " & ".join(
        m.person.user.first_name
        for m in meeting.relationship.members.select_related("person__user")
    )
    return f"{meeting.get_kind_display()}: {names} ({program})"


def info(
    meeting: Meeting, *, series: MeetingSeries | None = None, with_people: bool = True
) -> MeetingInfo:
    members = list(meeting.relationship.members.select_related("person__user"))
    attendees = [(m.person.user.name, m.person.user.email) for m in members]
    if meeting.coordinator_invited:
        attendees += [(c.name, c.email) for c in meeting.relationship.program.coordinators.all()]
    rrule = None
    if series is not None:
        rrule = series_rrule(
            meeting.starts_at.astimezone(_zone(meeting.timezone)),
            series.cadence,  # type: ignore[arg-type]
            count=series.count,
        )
    return MeetingInfo(
        uid=series.uid if series is not None else meeting.uid,
        sequence=(series.sequence if series is not None else meeting.sequence),
        start=meeting.starts_at,
        end=meeting.ends_at,
        timezone=meeting.timezone,
        summary=_summary(meeting),
        description=f"Peer mentoring meeting. Agenda and notes: {meeting_url(meeting)}",
        location=meeting.location,
        url=meeting.video_url or meeting_url(meeting),
        organizer=(meeting.organiser.user.name, meeting.organiser.user.email),
        attendees=tuple(attendees) if with_people else (),
        status="CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED",
        rrule=rrule,
        created=meeting.created_at,
        last_modified=meeting.updated_at,
        alarm_before=None,
    )


def _zone(name: str):  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def invitation_bytes(
    meeting: Meeting, *, method: str, series: MeetingSeries | None = None
) -> bytes:
    return meeting_invitation(info(meeting, series=series), method=method)  # type: ignore[arg-type]


def invitation_attachment(
    meeting: Meeting, *, method: str, series: MeetingSeries | None = None
) -> Attachment:
    content = invitation_bytes(meeting, method=method, series=series)
    return Attachment(
        filename="invite.ics", content_type=f"text/calendar; method={method}", content=content
    )


def feed_for(person: Person) -> bytes:
    meetings = (
        Meeting.objects.filter(relationship__members__person=person)
        .select_related("relationship__program", "organiser__user")
        .order_by("starts_at")
    )
    events = [info(m, with_people=False) for m in meetings]
    return calendar_feed(events, name=f"Peer mentoring — {person.user.name}")

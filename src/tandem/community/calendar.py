"""Group sessions as iCalendar, built with the relationships' iTIP code (same UID for the life
of a session, SEQUENCE raised on each change, METHOD:CANCEL to cancel)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from tandem.accounts.models import User
from tandem.community.models import GroupSession
from tandem.notify.outbox import Attachment
from tandem.relationships.ical import MeetingInfo, Method, meeting_invitation


def session_url(session: GroupSession) -> str:
    return settings.SITE_URL + reverse("community:session", args=[session.pk])


def session_info(session: GroupSession, *, attendee: User | None = None) -> MeetingInfo:
    """The session as one attendee's invitation (people's addresses go to those people only)."""
    where = session.program.name if session.program_id and session.program else "Everyone"
    host = session.host
    return MeetingInfo(
        uid=session.uid,
        sequence=session.sequence,
        start=session.starts_at,
        end=session.ends_at,
        timezone=session.timezone,
        summary=f"{session.get_kind_display()}: {session.title} ({where})",
        description=f"Hosted by {host.name}. Details and RSVP: {session_url(session)}",
        location=session.place or session.online_url,
        url=session.online_url or session_url(session),
        organizer=(host.name, host.email),
        attendees=((attendee.name, attendee.email),) if attendee is not None else (),
        status="CANCELLED" if session.is_cancelled else "CONFIRMED",
        created=session.created_at,
        last_modified=session.updated_at,
    )


def invitation(session: GroupSession, *, attendee: User | None, method: Method) -> bytes:
    return meeting_invitation(session_info(session, attendee=attendee), method=method)


def invitation_attachment(
    session: GroupSession, *, attendee: User, method: Method = "REQUEST"
) -> Attachment:
    name = "cancel.ics" if method == "CANCEL" else "invite.ics"
    content_type = f"text/calendar; charset=utf-8; method={method}"
    return Attachment(name, content_type, invitation(session, attendee=attendee, method=method))

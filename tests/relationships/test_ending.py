"""Every way a relationship ends goes through one path: future meetings are cancelled with the
same iCalendar CANCEL a single cancel sends, to everyone on them; who ended it and why is kept;
the people are told; the audit log has the entry."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone
from icalendar import Calendar

from tandem.audit.models import AuditEntry
from tandem.notify.models import OutboxMessage
from tandem.programs.models import ProgramStatus
from tandem.programs.services.stages import program_transition
from tandem.relationships.models import (
    EndReason,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    RelationshipStatus,
    RepairRequest,
)
from tandem.relationships.services.answers import membership_decline, repair_request
from tandem.relationships.services.lifecycle import relationship_close, relationship_end
from tandem.relationships.services.meetings import meeting_cancel, meeting_schedule
from tests.relationships.test_lifecycle import BERLIN, next_weekday_at


def cancels_for(meeting: Meeting) -> dict[str, Calendar]:
    """The CANCEL invitations sent for ``meeting``'s UID, by recipient."""
    found = {}
    for message in OutboxMessage.objects.filter(kind="meeting_invitation").order_by("id"):
        calendar = Calendar.from_ical(base64.b64decode(message.attachments[0]["content"]))
        event = next(c for c in calendar.walk() if c.name == "VEVENT")
        if calendar["METHOD"] == "CANCEL" and str(event["UID"]) == meeting.uid:
            found[message.recipient] = calendar
    return found


def event(calendar: Calendar):
    return next(c for c in calendar.walk() if c.name == "VEVENT")


def schedule(pair, actor, days: int = 3):
    return meeting_schedule(
        actor=actor,
        relationship=pair,
        starts_at=next_weekday_at(15, BERLIN, days=days),
        duration=timedelta(minutes=45),
    )[0]


def test_a_member_closing_cancels_future_meetings_like_a_single_cancel(pair, participant, outsider):
    ahead = schedule(pair, participant)
    single = schedule(pair, participant, days=10)
    meeting_cancel(actor=participant, meeting=single)
    single_cancel = event(cancels_for(single)[outsider.email])

    relationship_close(actor=outsider, relationship=pair, early_reason="Moved teams")

    ahead.refresh_from_db()
    assert ahead.status == MeetingStatus.CANCELLED
    sent = cancels_for(ahead)
    assert set(sent) == {participant.email, outsider.email}
    cancel = event(sent[participant.email])
    assert int(cancel["SEQUENCE"]) == ahead.sequence == 1
    assert str(cancel["STATUS"]) == str(single_cancel["STATUS"]) == "CANCELLED"
    pair.refresh_from_db()
    assert pair.status == RelationshipStatus.ENDED
    assert pair.end_reason == EndReason.COMPLETED
    assert pair.ended_by == outsider
    assert pair.end_note == "Moved teams"
    assert OutboxMessage.objects.filter(kind="closing_prompt").count() == 2
    entry = AuditEntry.objects.get(action="relationship.ended")
    assert entry.data == {"reason": "completed", "meetings_cancelled": 1}


def test_declining_a_match_cancels_its_meetings_and_tells_the_others(pair, participant, outsider):
    ahead = schedule(pair, participant)
    membership = pair.members.get(person=outsider.person)

    membership_decline(actor=outsider, membership=membership, reason="We sit together")

    ahead.refresh_from_db()
    assert ahead.status == MeetingStatus.CANCELLED
    assert set(cancels_for(ahead)) == {participant.email, outsider.email}
    pair.refresh_from_db()
    assert pair.status == RelationshipStatus.DECLINED and pair.ended_by == outsider
    declined = OutboxMessage.objects.filter(kind="match_declined")
    assert list(declined.values_list("recipient", flat=True)) == [participant.email]
    assert "We sit together" not in declined.get().body_text


def test_a_coordinator_ending_a_match_cancels_its_meetings_and_closes_repair_requests(
    pair, participant, outsider, coordinator
):
    ahead = schedule(pair, participant)
    repair_request(actor=participant, relationship=pair, reason="Not a fit")

    relationship_end(actor=coordinator, relationship=pair, reason=EndReason.REPAIR, note="swap")

    ahead.refresh_from_db()
    assert ahead.status == MeetingStatus.CANCELLED
    assert set(cancels_for(ahead)) == {participant.email, outsider.email}
    assert not RepairRequest.objects.filter(handled_at__isnull=True).exists()
    assert RepairRequest.objects.get().handled_by == coordinator
    assert OutboxMessage.objects.filter(kind="match_ended").count() == 2
    pair.refresh_from_db()
    assert (pair.end_reason, pair.ended_by, pair.end_note) == ("repair", coordinator, "swap")


def test_closing_the_program_ends_its_matches_through_the_same_path(
    pair, participant, outsider, coordinator
):
    ahead = schedule(pair, participant)

    program_transition(
        actor=coordinator,
        program=pair.program,
        to=ProgramStatus.CLOSED,
        confirmation=pair.program.name,
    )

    pair.refresh_from_db()
    assert pair.status == RelationshipStatus.ENDED
    assert (pair.end_reason, pair.ended_by) == (EndReason.PROGRAM_ENDED, coordinator)
    ahead.refresh_from_db()
    assert ahead.status == MeetingStatus.CANCELLED
    assert set(cancels_for(ahead)) == {participant.email, outsider.email}


def test_a_series_not_yet_begun_is_cancelled_under_its_own_uid(pair, participant, outsider):
    first = meeting_schedule(
        actor=participant,
        relationship=pair,
        starts_at=next_weekday_at(15, BERLIN),
        duration=timedelta(minutes=30),
        repeat=4,
    )[0]
    series = MeetingSeries.objects.get()

    relationship_close(actor=participant, relationship=pair)

    assert not Meeting.objects.filter(status=MeetingStatus.SCHEDULED).exists()
    series.refresh_from_db()
    cancels = [
        Calendar.from_ical(base64.b64decode(m.attachments[0]["content"]))
        for m in OutboxMessage.objects.filter(kind="meeting_invitation", subject__startswith="Can")
    ]
    assert {str(event(c)["UID"]) for c in cancels} == {series.uid}
    assert {int(event(c)["SEQUENCE"]) for c in cancels} == {series.sequence} == {1}
    assert all(c["METHOD"] == "CANCEL" for c in cancels) and len(cancels) == 2
    assert first.uid != series.uid


def test_a_series_under_way_is_cut_short_and_keeps_what_happened(pair, participant, outsider):
    meetings = meeting_schedule(
        actor=participant,
        relationship=pair,
        starts_at=next_weekday_at(15, BERLIN),
        duration=timedelta(minutes=30),
        repeat=4,
    )
    series = MeetingSeries.objects.get()
    back = meetings[1].starts_at - timezone.now() + timedelta(hours=1)  # two are now past
    Meeting.objects.update(starts_at=F("starts_at") - back, ends_at=F("ends_at") - back)

    relationship_close(actor=participant, relationship=pair)

    statuses = list(Meeting.objects.order_by("starts_at").values_list("status", flat=True))
    assert statuses == [MeetingStatus.SCHEDULED] * 2 + [MeetingStatus.CANCELLED] * 2
    series.refresh_from_db()
    assert (series.count, series.sequence) == (2, 1)
    shortened = OutboxMessage.objects.filter(
        kind="meeting_invitation", subject__startswith="Ended early"
    )
    assert set(shortened.values_list("recipient", flat=True)) == {participant.email, outsider.email}
    calendar = Calendar.from_ical(base64.b64decode(shortened[0].attachments[0]["content"]))
    assert calendar["METHOD"] == "REQUEST"
    assert str(event(calendar)["UID"]) == series.uid
    assert "COUNT=2" in event(calendar)["RRULE"].to_ical().decode()
    assert "2 meetings" in shortened[0].body_text


def test_a_match_can_only_end_once(pair, participant, coordinator):
    relationship_close(actor=participant, relationship=pair)
    with pytest.raises(Exception, match="already ended"):
        relationship_end(actor=coordinator, relationship=pair, reason=EndReason.COORDINATOR)
    assert AuditEntry.objects.filter(action="relationship.ended").count() == 1

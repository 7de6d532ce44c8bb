"""The life of a relationship: meetings and invitations, logs with hats, goals, notes, reminders,
health, closing — and private notes that nobody outside the pair can ever see."""

from __future__ import annotations

import base64
import io
import logging
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from tandem.core.errors import ApplicationError
from tandem.notify.models import OutboxMessage
from tandem.programs.models import Enrolment, EnrolmentStatus, ProgramStatus
from tandem.programs.services.stages import program_transition
from tandem.relationships import reminders, selectors
from tandem.relationships.models import (
    Goal,
    Meeting,
    MeetingStatus,
    Relationship,
    RelationshipStatus,
)
from tandem.relationships.services.closing import closing_submit
from tandem.relationships.services.concerns import concern_raise
from tandem.relationships.services.feeds import calendar_feed_create, calendar_feed_revoke
from tandem.relationships.services.goals import goal_close, goal_create, goal_progress
from tandem.relationships.services.health import refresh_health
from tandem.relationships.services.logs import log_save, note_add
from tandem.relationships.services.meetings import (
    meeting_cancel,
    meeting_reschedule,
    meeting_schedule,
)
from tests.conftest import client_for
from tests.factories import EnrolmentFactory, PersonFactory

NY, BERLIN = "America/New_York", "Europe/Berlin"


def next_weekday_at(hour: int, zone: str, days: int = 3) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(zone))


def ics_of(message: OutboxMessage) -> Calendar:
    attachment = message.attachments[0]
    assert attachment["content_type"].startswith("text/calendar")
    return Calendar.from_ical(base64.b64decode(attachment["content"]))


def event_of(calendar: Calendar):
    return next(c for c in calendar.walk() if c.name == "VEVENT")


# --- meetings and iCalendar --------------------------------------------------------------------


def test_schedule_reschedule_cancel_keep_the_uid_and_raise_the_sequence(
    pair, participant, outsider
):
    start = next_weekday_at(15, BERLIN)
    meeting = meeting_schedule(
        actor=participant, relationship=pair, starts_at=start, duration=timedelta(minutes=45)
    )[0]
    invites = OutboxMessage.objects.filter(kind="meeting_invitation")
    assert sorted(invites.values_list("recipient", flat=True)) == sorted(
        [participant.email, outsider.email]
    )
    first = ics_of(invites.get(recipient=outsider.email))
    event = event_of(first)
    assert first["METHOD"] == "REQUEST"
    assert str(event["UID"]) == meeting.uid and int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == start  # 15:00 in Berlin, which New York's calendar converts
    assert event["DTSTART"].params["TZID"] == BERLIN
    assert any(c.name == "VTIMEZONE" for c in first.walk())
    assert "09:00" in invites.get(recipient=outsider.email).body_text  # in the reader's own zone
    round_trip = Calendar.from_ical(first.to_ical())
    assert str(event_of(round_trip)["UID"]) == meeting.uid

    later = start + timedelta(days=1)
    meeting_reschedule(
        actor=outsider, meeting=meeting, starts_at=later, duration=timedelta(hours=1)
    )
    moved = event_of(ics_of(OutboxMessage.objects.filter(kind="meeting_invitation").latest("id")))
    assert str(moved["UID"]) == meeting.uid and int(moved["SEQUENCE"]) == 1
    assert moved.decoded("DTSTART") == later

    meeting_cancel(actor=participant, meeting=meeting)
    cancel = ics_of(OutboxMessage.objects.filter(kind="meeting_invitation").latest("id"))
    assert cancel["METHOD"] == "CANCEL"
    assert str(event_of(cancel)["STATUS"]) == "CANCELLED" and int(event_of(cancel)["SEQUENCE"]) == 2


def test_series_invitation_repeats_on_the_program_cadence(pair, participant):
    start = next_weekday_at(10, BERLIN)
    meetings = meeting_schedule(
        actor=participant, relationship=pair, starts_at=start, duration=timedelta(hours=1), repeat=4
    )
    assert len(meetings) == 4
    assert (meetings[1].starts_at - meetings[0].starts_at).days in (
        13,
        14,
        15,
    )  # biweekly, DST-safe
    invite = OutboxMessage.objects.filter(kind="meeting_invitation", recipient=participant.email)
    assert invite.count() == 1
    rule = event_of(ics_of(invite.get()))["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["INTERVAL"] == [2] and rule["COUNT"] == [4]


def test_coordinator_is_invited_to_a_facilitated_kickoff(pair, participant, coordinator):
    meeting_schedule(
        actor=participant,
        relationship=pair,
        starts_at=next_weekday_at(11, BERLIN),
        duration=timedelta(hours=1),
        kind="kickoff",
        invite_coordinator=True,
    )
    assert OutboxMessage.objects.filter(
        kind="meeting_invitation", recipient=coordinator.email
    ).exists()


def test_bad_meeting_times_are_refused(pair, participant):
    with pytest.raises(ApplicationError) as caught:
        meeting_schedule(
            actor=participant,
            relationship=pair,
            starts_at=timezone.now() - timedelta(days=1),
            duration=timedelta(hours=9),
        )
    assert {e.field for e in caught.value.errors} == {"starts_at", "duration"}


def test_ics_download_and_private_feed(pair, participant, outsider):
    meeting = meeting_schedule(
        actor=participant,
        relationship=pair,
        starts_at=next_weekday_at(14, BERLIN),
        duration=timedelta(hours=1),
    )[0]
    client = client_for(participant)
    response = client.get(f"/relationships/{pair.pk}/meetings/{meeting.pk}/invite.ics")
    assert response["Content-Type"].startswith("text/calendar")
    assert str(event_of(Calendar.from_ical(response.content))["UID"]) == meeting.uid

    token = calendar_feed_create(actor=outsider)
    feed = Client().get(f"/calendar/{token}.ics")
    assert feed.status_code == 200
    calendar = Calendar.from_ical(feed.content)
    assert [str(e["UID"]) for e in calendar.walk("VEVENT")] == [meeting.uid]
    assert b"ATTENDEE" not in feed.content and participant.email.encode() not in feed.content
    newer = calendar_feed_create(actor=outsider)
    assert Client().get(f"/calendar/{token}.ics").status_code == 404  # the old address stops
    calendar_feed_revoke(actor=outsider)
    assert Client().get(f"/calendar/{newer}.ics").status_code == 404


def test_home_shows_the_partner_and_the_next_meeting_in_each_readers_zone(
    pair, participant, outsider
):
    start = next_weekday_at(15, BERLIN)
    meeting_schedule(
        actor=participant, relationship=pair, starts_at=start, duration=timedelta(hours=1)
    )
    berlin_page = client_for(participant).get("/").content.decode()
    new_york_page = client_for(outsider).get("/").content.decode()
    assert f"<h3>{outsider.name}</h3>" in berlin_page  # the partner only, no stray separator
    assert f"<h3>{participant.name}</h3>" in new_york_page
    assert f"{start:%a} {start.day} {start:%b}, 15:00" in berlin_page
    assert f"{start:%a} {start.day} {start:%b}, 09:00" in new_york_page


def test_suggested_slots_fit_both_zones_across_a_dst_change(pair, participant, outsider):
    start = datetime(2027, 3, 10, tzinfo=UTC)  # New York changes on 14 March, Berlin on 28 March
    slots = selectors.suggested_slots(pair, duration=timedelta(hours=1), start=start, days=10)
    assert len(slots) == 5
    for slot in slots:
        for zone in (BERLIN, NY):
            local_start, local_end = (
                slot.start.astimezone(ZoneInfo(zone)),
                slot.end.astimezone(ZoneInfo(zone)),
            )
            assert time(9) <= local_start.time() and local_end.time() <= time(17), (zone, slot)
            assert local_start.weekday() < 5
    busy_start = slots[0].start
    Meeting.objects.create(
        relationship=pair,
        starts_at=busy_start,
        ends_at=busy_start + timedelta(hours=1),
        timezone=BERLIN,
        uid="busy@test",
        organiser=participant.person,
    )
    again = selectors.suggested_slots(pair, duration=timedelta(hours=1), start=start, days=10)
    assert all(
        not (s.start < busy_start + timedelta(hours=1) and busy_start < s.end) for s in again
    )


# --- logs, hats, reciprocity -------------------------------------------------------------------


def held_meeting(pair, organiser, days_ago: int) -> Meeting:
    start = timezone.now() - timedelta(days=days_ago)
    return Meeting.objects.create(
        relationship=pair,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        timezone=BERLIN,
        uid=f"m-{days_ago}@test",
        organiser=organiser.person,
    )


def test_logging_with_hats_and_the_one_sided_nudge(pair, participant, outsider):
    me, them = participant.person, outsider.person
    for days_ago in (20, 13, 6):
        meeting = held_meeting(pair, participant, days_ago)
        log_save(
            actor=participant,
            meeting=meeting,
            topics=[("Presenting", me), ("Feedback", me)],
            takeaways="Shorter slides",
            next_steps="Try it",
        )
        assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.HELD
    balance = selectors.reciprocity(pair)
    assert balance.shares == {me.pk: 1.0, them.pk: 0.0}
    assert balance.verdict == "One-sided: something needs to shift"
    nudges = OutboxMessage.objects.filter(kind="reciprocity_nudge")
    assert sorted(nudges.values_list("recipient", flat=True)) == sorted(
        [participant.email, outsider.email]
    )
    meeting = held_meeting(pair, participant, 2)
    log_save(
        actor=outsider, meeting=meeting, topics=[("Budgeting", me)], takeaways="", next_steps=""
    )
    assert nudges.count() == 2  # not again within three weeks
    log_save(
        actor=outsider,
        meeting=meeting,
        topics=[("Budgeting", them), ("Hiring", me)],
        takeaways="",
        next_steps="",
    )
    assert selectors.reciprocity(pair).topics == 8


def test_a_log_needs_a_topic_and_a_past_meeting(pair, participant):
    future = meeting_schedule(
        actor=participant,
        relationship=pair,
        starts_at=next_weekday_at(12, BERLIN),
        duration=timedelta(hours=1),
    )[0]
    with pytest.raises(ApplicationError, match="after it has taken place"):
        log_save(
            actor=participant,
            meeting=future,
            topics=[("x", participant.person)],
            takeaways="",
            next_steps="",
        )
    with pytest.raises(ApplicationError, match="at least one topic"):
        log_save(
            actor=participant,
            meeting=held_meeting(pair, participant, 1),
            topics=[],
            takeaways="",
            next_steps="",
        )


# --- goals -------------------------------------------------------------------------------------


def test_smart_goals_with_progress_history(pair, participant, outsider):
    with pytest.raises(ApplicationError) as caught:
        goal_create(
            actor=participant,
            relationship=pair,
            title="",
            metric="",
            target="",
            target_date=timezone.localdate(),
        )
    assert {e.field for e in caught.value.errors} == {"title", "metric", "target_date"}
    goal = goal_create(
        actor=participant,
        relationship=pair,
        title="Give two talks",
        metric="talks given",
        target="2",
        milestones=["Pick a topic", ""],
        target_date=timezone.localdate() + timedelta(days=60),
    )
    assert [m.title for m in goal.milestones.all()] == ["Pick a topic"]
    goal_progress(actor=participant, goal=goal, progress=40, note="First talk done")
    goal_progress(actor=participant, goal=goal, progress=60)
    assert list(goal.updates.values_list("progress", flat=True)) == [60, 40]
    with pytest.raises(ApplicationError):
        goal_progress(actor=outsider, goal=goal, progress=90)  # only the owner
    goal_close(actor=participant, goal=goal, status="done")
    assert Goal.objects.get(pk=goal.pk).progress == 100


# --- private notes: the pair only --------------------------------------------------------------

CANARY = "CANARY-PRIVATE-NOTE-5521"


def _readable(response) -> str:
    """A response body as text; a workbook's cells are read out of its zip."""
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        return " ".join(
            str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row
        )
    return response.content.decode()


def test_private_notes_reach_nobody_outside_the_pair(
    pair, participant, outsider, coordinator, admin, caplog
):
    caplog.set_level(logging.DEBUG)
    note_add(actor=participant, relationship=pair, text=f"Between us: {CANARY}")
    meeting = held_meeting(pair, participant, 3)
    log_save(
        actor=outsider,
        meeting=meeting,
        topics=[("Hiring", outsider.person)],
        takeaways="ok",
        next_steps="ok",
        private_note=f"Also {CANARY}",
    )
    concern_raise(actor=participant, relationship=pair, kind="other", text="All fine, just testing")
    for member in (participant, outsider):
        page = client_for(member).get(f"/relationships/{pair.pk}/").content.decode()
        assert CANARY in page
        assert (
            CANARY
            in client_for(member)
            .get(f"/relationships/{pair.pk}/meetings/{meeting.pk}/")
            .content.decode()
        )

    # Enough enrolled people that the KPI pages answer (figures need a group of 5).
    EnrolmentFactory.create_batch(5, program=pair.program)
    # Every page and endpoint where a coordinator or an admin reads about this program, with the
    # answer each must get: a renamed or broken URL fails here instead of passing unseen.
    program = pair.program_id
    pages = {
        f"/relationships/{pair.pk}/": (404, 404),  # the pair's own page: members only
        f"/relationships/{pair.pk}/meetings/{meeting.pk}/": (404, 404),
        f"/relationships/programs/{program}/health/": (200, 200),
        f"/matches/programs/{program}/": (200, 200),
        f"/programs/{program}/": (200, 200),
        f"/programs/{program}/enrolments/": (200, 200),
        "/audit/": (403, 200),  # admins only
        "/outbox/": (403, 200),  # admins only
        "/": (200, 200),
        f"/api/programs/{program}/enrolments": (200, 200),
        "/api/matches": (200, 200),
        f"/api/programs/{program}/kpis": (200, 200),
        f"/api/programs/{program}/health": (200, 200),
        f"/insights/programs/{program}/": (200, 200),
        f"/insights/programs/{program}/report/": (200, 200),
        f"/insights/programs/{program}/export.csv": (200, 200),
        f"/insights/programs/{program}/export.xlsx": (200, 200),
    }
    seen = []
    for index, viewer in enumerate((coordinator, admin)):
        client = client_for(viewer)
        for url, expected in pages.items():
            response = client.get(url)
            seen.append(_readable(response))
            assert response.status_code == expected[index], f"{viewer.email} GET {url}"
    assert not any(CANARY in body for body in seen)
    assert client_for(coordinator).get(f"/relationships/{pair.pk}/").status_code == 404
    for message in OutboxMessage.objects.all():
        assert CANARY not in message.subject + message.body_text + message.body_html
        for attachment in message.attachments:
            assert CANARY.encode() not in base64.b64decode(attachment["content"])
    assert CANARY not in caplog.text


# --- health and reminders on a fixed timeline ---------------------------------------------------


def test_health_moves_from_on_track_to_at_risk(pair, participant):
    start = pair.activated_at
    assert refresh_health(pair, start + timedelta(days=10)).status == "on_track"
    assert refresh_health(pair, start + timedelta(days=21)).status == "on_track"
    late = refresh_health(pair, start + timedelta(days=25))
    assert late.status == "at_risk" and "No first meeting 25 days" in late.reasons[0]
    assert Relationship.objects.get(pk=pair.pk).health == "at_risk"


def test_reminders_respect_quiet_hours_and_are_sent_once(pair, participant, outsider):
    berlin_evening = datetime.combine(
        timezone.localdate() + timedelta(days=2), time(21, 30), tzinfo=ZoneInfo(BERLIN)
    )  # 15:30 in New York
    meeting = meeting_schedule(
        actor=participant,
        relationship=pair,
        starts_at=berlin_evening + timedelta(hours=14),
        duration=timedelta(hours=1),
    )[0]
    now = berlin_evening  # the reminder is due now: 23 h before
    assert reminders.meeting_reminders(now) == 2
    assert reminders.meeting_reminders(now) == 0
    sent = {
        m.recipient: m.next_attempt_at
        for m in OutboxMessage.objects.filter(kind="meeting_reminder")
    }
    assert sent[participant.email].astimezone(ZoneInfo(BERLIN)).time() == time(
        8
    )  # after the quiet night
    assert sent[outsider.email] == now  # afternoon in New York: straight away
    assert sent[participant.email] < meeting.starts_at


def test_log_prompts_go_to_people_who_have_not_logged(pair, participant, outsider):
    meeting = held_meeting(pair, participant, 0)
    log_save(
        actor=participant,
        meeting=meeting,
        topics=[("Hiring", participant.person)],
        takeaways="",
        next_steps="",
    )
    assert reminders.log_prompts(timezone.now() + timedelta(hours=3)) == 1
    assert OutboxMessage.objects.get(kind="log_prompt").recipient == outsider.email
    assert reminders.log_prompts(timezone.now() + timedelta(hours=4)) == 0


def test_cadence_nudge_then_one_coordinator_alert_then_warning(pair, coordinator):
    start = pair.activated_at
    counts = reminders.cadence_and_inactivity(start + timedelta(days=25))
    assert counts["nudged"] == 2 and counts["alerted"] == 0  # the pair is nudged first
    pair.refresh_from_db()
    assert pair.health == "at_risk"
    assert pair.health_reasons == [
        "No first meeting 25 days after the match started, and none planned"
    ]
    assert reminders.cadence_and_inactivity(start + timedelta(days=26))["nudged"] == 0
    # at risk since day 21 (three weeks without a first meeting); alerted 7 days later
    assert reminders.cadence_and_inactivity(start + timedelta(days=27))["alerted"] == 0
    assert reminders.cadence_and_inactivity(start + timedelta(days=28))["alerted"] == 1
    alert = OutboxMessage.objects.get(kind="at_risk_alert")
    assert alert.recipient == coordinator.email
    assert "no first meeting 28 days after the match started" in alert.subject
    assert f"#relationship-{pair.pk}" in alert.body_text
    assert reminders.cadence_and_inactivity(start + timedelta(days=61))["warned"] == 2
    assert reminders.cadence_and_inactivity(start + timedelta(days=69))["alerted"] == 0
    assert OutboxMessage.objects.filter(kind="at_risk_alert").count() == 1


def test_goal_checkin_after_a_month_without_progress(pair, participant):
    goal = goal_create(
        actor=participant,
        relationship=pair,
        title="Talks",
        metric="talks",
        target="2",
        target_date=timezone.localdate() + timedelta(days=90),
    )
    assert reminders.goal_checkins(timezone.now() + timedelta(days=10)) == 0
    assert reminders.goal_checkins(timezone.now() + timedelta(days=31)) == 1
    assert reminders.goal_checkins(timezone.now() + timedelta(days=32)) == 0
    assert "Talks" in OutboxMessage.objects.get(kind="goal_checkin").subject
    assert goal.pk


# --- concerns and closing ----------------------------------------------------------------------


def test_concern_reaches_coordinators_without_its_text_in_email(pair, participant, coordinator):
    concern_raise(
        actor=participant,
        relationship=pair,
        kind="beyond_scope",
        text="My partner keeps asking about my health condition",
    )
    email = OutboxMessage.objects.get(kind="concern_raised")
    assert email.recipient == coordinator.email and "health condition" not in email.body_text
    page = (
        client_for(coordinator)
        .get(f"/relationships/programs/{pair.program_id}/health/")
        .content.decode()
    )
    assert "health condition" in page


def test_closing_summary_ends_the_match_and_can_leave_the_program(pair, participant, outsider):
    summary = closing_submit(
        actor=participant,
        relationship=pair,
        achieved="Two talks",
        learned="Listening first",
        would_recommend_partner=True,
        would_do_again=True,
        next_step="leave",
    )
    pair.refresh_from_db()
    assert (
        pair.status == RelationshipStatus.ENDED and summary.membership.person == participant.person
    )
    assert Enrolment.objects.get(person=participant.person).status == EnrolmentStatus.WITHDRAWN
    assert OutboxMessage.objects.filter(kind="closing_prompt", recipient=outsider.email).exists()
    assert (
        client_for(outsider).get(f"/relationships/{pair.pk}/").status_code == 200
    )  # still readable
    with pytest.raises(ApplicationError, match="not active"):
        note_add(actor=outsider, relationship=pair, text="x")


def test_closing_the_program_ends_every_live_match(pair, coordinator):
    program_transition(
        actor=coordinator,
        program=pair.program,
        to=ProgramStatus.CLOSED,
        confirmation=pair.program.name,
    )
    pair.refresh_from_db()
    assert pair.status == RelationshipStatus.ENDED and pair.end_reason == "program_ended"


def test_only_members_open_a_relationship(pair, outsider, participant):
    third = PersonFactory(user__email="third@example.com").user
    assert client_for(third).get(f"/relationships/{pair.pk}/").status_code == 404
    assert client_for(participant).get(f"/relationships/{pair.pk}/").status_code == 200


def test_times_outside_the_ticked_availability_are_marked(pair, participant):
    """Only Tuesday afternoons ticked: those come first and unmarked; the rest of the five are
    labelled "working hours only" instead of claiming to fit everyone's availability."""
    from tandem.programs.models import Answer, Question, QuestionKind

    question = Question.objects.create(
        program=pair.program, kind=QuestionKind.AVAILABILITY, key="when", label="When?"
    )
    enrolment = Enrolment.objects.get(program=pair.program, person=participant.person)
    Answer.objects.create(enrolment=enrolment, question=question, value=["tue-pm"])
    start = datetime(2027, 4, 5, tzinfo=UTC)
    slots = selectors.suggested_slots(pair, duration=timedelta(hours=1), start=start, days=14)
    assert len(slots) == 5
    inside = [s for s in slots if s.inside_availability]
    assert inside and len(inside) < 5
    for slot in inside:
        local = slot.start.astimezone(ZoneInfo(BERLIN))
        assert local.weekday() == 1 and time(14) <= local.time(), local
    client = client_for(participant)
    page = client.get(f"/relationships/{pair.pk}/schedule/").content.decode()
    assert "working hours only" in page
    api = client.get(f"/api/relationships/{pair.pk}/slots").json()
    assert [s["inside_availability"] for s in api].count(True) >= 1

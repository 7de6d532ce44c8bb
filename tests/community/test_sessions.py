from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from tandem.community.jobs import check_minimums, send_pulses
from tandem.community.models import GroupSession, PulseAnswer, Rsvp
from tandem.community.selectors import host_record, pulse_result
from tandem.community.services.rsvp import pulse_answer, rsvp_action, rsvp_cancel, rsvp_join
from tandem.community.services.session_news import session_news_set
from tandem.community.services.sessions import (
    SessionData,
    attendance_take,
    session_cancel,
    session_create,
    session_update,
)
from tandem.core.errors import ApplicationError, NotFound
from tandem.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db


def _ics(message: OutboxMessage) -> Calendar:
    (attachment,) = message.attachments
    return Calendar.from_ical(base64.b64decode(attachment["content"]))


def _last(user, kind: str) -> OutboxMessage:
    return OutboxMessage.objects.filter(user=user, kind=kind).latest("id")


def test_a_full_session_puts_people_on_the_waitlist_and_promotes_in_order(make_session, members):
    session = make_session(capacity=2)
    first, second, third, fourth = members[:4]
    for user in (first, second, third, fourth):
        rsvp_join(user=user, session_id=session.pk)
    statuses = dict(Rsvp.objects.values_list("user_id", "status"))
    assert [statuses[u.pk] for u in (first, second, third, fourth)] == [
        "going",
        "going",
        "waitlisted",
        "waitlisted",
    ]
    invite = _ics(_last(first, "session_going"))
    assert invite["METHOD"] == "REQUEST"

    rsvp_cancel(user=second, session_id=session.pk)

    statuses = dict(Rsvp.objects.values_list("user_id", "status"))
    assert statuses[third.pk] == "going" and statuses[fourth.pk] == "waitlisted"
    promoted = _ics(_last(third, "session_promoted"))
    event = promoted.walk("VEVENT")[0]
    assert str(event["UID"]) == session.uid
    assert _ics(_last(second, "session_withdrawn"))["METHOD"] == "CANCEL"


def test_an_update_raises_the_sequence_and_a_cancellation_sends_cancel(make_session, members):
    session = make_session(capacity=5)
    rsvp_join(user=members[0], session_id=session.pk)
    later = session.starts_at + timedelta(hours=2)
    session_update(
        actor=session.created_by,
        session_id=session.pk,
        changes={"starts_at": later, "ends_at": later + timedelta(hours=1)},
    )
    update = _ics(_last(members[0], "session_updated")).walk("VEVENT")[0]
    assert int(update["SEQUENCE"]) == 1
    session_cancel(actor=session.created_by, session_id=session.pk)
    cancel = _ics(_last(members[0], "session_cancelled"))
    assert cancel["METHOD"] == "CANCEL"
    assert int(cancel.walk("VEVENT")[0]["SEQUENCE"]) == 2


def test_raising_the_capacity_lets_the_waitlist_in(make_session, members):
    session = make_session(capacity=1)
    rsvp_join(user=members[0], session_id=session.pk)
    rsvp_join(user=members[1], session_id=session.pk)
    session_update(actor=session.created_by, session_id=session.pk, changes={"capacity": 2})
    assert Rsvp.objects.get(user=members[1]).status == "going"


def test_flash_mentoring_offers_slots_of_one_person_each(program, members):
    volunteer = members[4]
    start = timezone.now() + timedelta(days=2)
    slots = session_create(
        actor=volunteer,
        program=program,
        data=SessionData(kind="flash", title="Ask me about SQL", starts_at=start, slots=3),
        announce=False,
    )
    assert [s.ends_at - s.starts_at for s in slots] == [timedelta(minutes=30)] * 3
    assert slots[1].starts_at == start + timedelta(minutes=30)
    assert all(s.capacity == 1 and s.host == volunteer for s in slots)
    rsvp_join(user=members[0], session_id=slots[0].pk)
    with pytest.raises(ApplicationError, match="booked"):
        rsvp_join(user=members[1], session_id=slots[0].pk)


def test_a_participant_may_not_plan_a_lunch_and_learn(program, members):
    data = SessionData(kind="lunch_learn", title="x", starts_at=timezone.now() + timedelta(days=1))
    with pytest.raises(ApplicationError):
        session_create(actor=members[0], program=program, data=data)


def test_bad_input_names_the_field(coordinator, program):
    start = timezone.now() + timedelta(days=1)
    data = SessionData(
        kind="lunch_learn",
        title="",
        starts_at=start,
        ends_at=start - timedelta(hours=1),
        online_url="javascript:alert(1)",
        capacity=0,
    )
    with pytest.raises(ApplicationError) as caught:
        session_create(actor=coordinator, program=program, data=data)
    fields = {e.field for e in caught.value.errors}
    assert {"title", "ends_at", "online_url", "capacity"} <= fields


def test_outsiders_cannot_rsvp_to_another_programs_session(make_session, outsider):
    session = make_session()
    with pytest.raises(NotFound):
        rsvp_join(user=outsider, session_id=session.pk)
    assert rsvp_action(outsider, f"{session.pk}:yes").ok is False


def test_rsvp_from_the_message_button(make_session, members):
    session = make_session(capacity=1)
    assert rsvp_action(members[0], f"{session.pk}:yes").ok
    result = rsvp_action(members[1], f"{session.pk}:yes")
    assert "waitlist" in result.text
    rsvp_action(members[0], f"{session.pk}:no")
    assert Rsvp.objects.get(user=members[1]).status == "going"


def test_announcement_carries_rsvp_buttons(coordinator, program, members):
    session_news_set(actor=members[0], mode="each")
    data = SessionData(
        kind="kickoff", title="Spring cohort kickoff", starts_at=timezone.now() + timedelta(days=5)
    )
    session_create(actor=coordinator, program=program, data=data)
    message = _last(members[0], "session_announced")
    assert "/actions/" in message.body_text


def test_minimum_not_reached_tells_host_and_coordinators(make_session, members, coordinator):
    session = make_session(capacity=10, min_attendees=3)
    GroupSession.objects.filter(pk=session.pk).update(
        min_deadline=timezone.now() - timedelta(minutes=1)
    )
    rsvp_join(user=members[0], session_id=session.pk)
    assert check_minimums(timezone.now()) == 1
    assert check_minimums(timezone.now()) == 0
    assert OutboxMessage.objects.filter(
        kind="session_minimum_not_reached", user=coordinator
    ).exists()


def test_attendance_pulse_and_recognition(make_session, members, settings):
    settings.TANDEM_MIN_K_SCORES = 5
    session = make_session(capacity=5)
    for user in members:
        rsvp_join(user=user, session_id=session.pk)
    rsvp_join(user=members[0], session_id=session.pk)
    after = session.ends_at + timedelta(minutes=5)
    came = {u.pk for u in members[:4]}
    with pytest.raises(ApplicationError):
        attendance_take(actor=session.host, session_id=session.pk, present=came)
    attendance_take(actor=session.host, session_id=session.pk, present=came, now=after)
    assert send_pulses(after) == 4
    for index, user in enumerate(members[:4]):
        pulse_answer(user=user, session_id=session.pk, rating=4 + index % 2, now=after)
    with pytest.raises(ApplicationError):
        pulse_answer(user=members[0], session_id=session.pk, rating=5, now=after)
    assert pulse_result(session).mean is None  # four answers: below the threshold
    assert PulseAnswer.objects.count() == 4
    record = host_record(session.host_id, now=after + timedelta(hours=1))
    assert (record.sessions_led, record.people_helped) == (1, 4)

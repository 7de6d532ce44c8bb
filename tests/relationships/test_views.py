"""The relationship screens: one POST URL per action, messages and form errors reach the person,
bad input never ends in a 500, and reading a page writes nothing."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from tandem.relationships.models import (
    AgendaItem,
    CalendarFeed,
    Concern,
    Goal,
    Meeting,
    MeetingStatus,
    Milestone,
)
from tests.conftest import client_for
from tests.factories import make_program
from tests.writes import no_writes


def _meeting(pair, organiser, *, hours_from_now: int) -> Meeting:
    start = timezone.now() + timedelta(hours=hours_from_now)
    return Meeting.objects.create(
        relationship=pair,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        timezone="Europe/Berlin",
        uid=f"m{hours_from_now}@test",
        organiser=organiser.person,
    )


def _goal(pair, owner) -> Goal:
    goal = Goal.objects.create(
        relationship=pair,
        owner=owner.person,
        title="Give a talk",
        metric="talks",
        target="1",
        target_date=timezone.localdate() + timedelta(days=60),
    )
    Milestone.objects.create(goal=goal, title="Outline")
    return goal


def _url(name: str, *args) -> str:
    return reverse(f"relationships:{name}", args=[a.pk if hasattr(a, "pk") else a for a in args])


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_reading_the_pages_writes_nothing(pair, participant, coordinator):
    ahead = _meeting(pair, participant, hours_from_now=48)
    goal = _goal(pair, participant)
    client, coordinating = client_for(participant), client_for(coordinator)
    with no_writes():
        for url in (
            _url("detail", pair),
            _url("kickoff", pair),
            _url("schedule", pair),
            _url("meeting", pair, ahead),
            _url("meeting_ics", pair, ahead),
            _url("goal", pair, goal),
            _url("goal_new", pair),
            _url("concern", pair),
            _url("close", pair),
            _url("calendar"),
        ):
            assert client.get(url).status_code == 200, url
        health = coordinating.get(_url("program_health", pair.program))
    assert health.status_code == 200


def test_agenda_add_and_remove(pair, participant):
    meeting = _meeting(pair, participant, hours_from_now=48)
    client = client_for(participant)
    page = _url("meeting", pair, meeting)

    added = client.post(_url("meeting_agenda_add", pair, meeting), {"text": "Conference talks"})
    assert added["Location"] == page
    item = AgendaItem.objects.get(meeting=meeting, text="Conference talks")

    empty = client.post(_url("meeting_agenda_add", pair, meeting), {"text": ""})
    assert empty.status_code == 200
    assert "This field is required." in empty.content.decode()

    removed = client.post(_url("meeting_agenda_remove", pair, meeting, item))
    assert removed["Location"] == page
    assert not AgendaItem.objects.filter(pk=item.pk).exists()
    gone = client.post(_url("meeting_agenda_remove", pair, meeting, item))
    assert gone.status_code == 404


def test_held_missed_and_their_refusals(pair, participant):
    past = _meeting(pair, participant, hours_from_now=-3)
    ahead = _meeting(pair, participant, hours_from_now=48)
    client = client_for(participant)

    held = client.post(_url("meeting_held", pair, past))
    assert held["Location"] == _url("meeting", pair, past)
    assert _messages(held) == ["Marked as held."]
    past.refresh_from_db()
    assert past.status == MeetingStatus.HELD
    client.get(held["Location"])

    missed = client.post(_url("meeting_missed", pair, ahead))
    assert missed["Location"] == _url("meeting", pair, ahead)
    assert _messages(missed) == ["This meeting has not happened yet."]
    ahead.refresh_from_db()
    assert ahead.status == MeetingStatus.SCHEDULED


def test_reschedule_and_cancel(pair, participant):
    meeting = _meeting(pair, participant, hours_from_now=48)
    client = client_for(participant)
    incomplete = client.post(_url("meeting_reschedule", pair, meeting), {"duration": "60"})
    assert incomplete.status_code == 200
    assert "Enter the new date and start time." in incomplete.content.decode()

    day = (timezone.localdate() + timedelta(days=5)).isoformat()
    moved = client.post(
        _url("meeting_reschedule", pair, meeting), {"date": day, "time": "10:00", "duration": "45"}
    )
    assert moved["Location"] == _url("meeting", pair, meeting)
    assert _messages(moved) == ["Moved; everyone's calendar invitation was updated."]
    client.get(moved["Location"])

    cancelled = client.post(_url("meeting_cancel", pair, meeting))
    assert cancelled["Location"] == _url("detail", pair)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    client.get(cancelled["Location"])
    again = client.post(_url("meeting_cancel", pair, meeting))
    assert again["Location"] == _url("meeting", pair, meeting)
    assert _messages(again) == ["Only a scheduled meeting can be cancelled."]


def test_log_saves_and_a_refused_log_shows_the_form(pair, participant, outsider):
    past = _meeting(pair, participant, hours_from_now=-3)
    client = client_for(participant)
    refused = client.post(_url("meeting_log", pair, past), {"takeaways": "x"})
    assert refused.status_code == 200
    assert 'role="alert"' in refused.content.decode()  # the form's error, on the page

    logged = client.post(
        _url("meeting_log", pair, past),
        {"topic_0": "Talks", "by_0": str(outsider.person.pk), "takeaways": "Start small"},
    )
    assert logged["Location"] == _url("meeting", pair, past)
    assert _messages(logged) == ["Meeting logged. Thank you!"]
    page = client.get(_url("meeting", pair, past)).content.decode()
    assert 'value="Talks"' in page  # the own log comes back into the form


def test_goal_actions_are_for_its_owner_only(pair, participant, outsider):
    goal = _goal(pair, participant)
    milestone = goal.milestones.get()
    owner, partner = client_for(participant), client_for(outsider)
    page = _url("goal", pair, goal)

    assert partner.get(page).status_code == 200  # the partner reads it
    for name, args in (
        ("goal_progress", (pair, goal)),
        ("goal_done", (pair, goal)),
        ("goal_drop", (pair, goal)),
        ("milestone_toggle", (pair, goal, milestone)),
    ):
        assert partner.post(_url(name, *args), {"progress": "50"}).status_code == 404, name

    bad = owner.post(_url("goal_progress", pair, goal), {"progress": "abc"})
    assert bad.status_code == 200
    assert "Enter a whole number." in bad.content.decode()

    saved = owner.post(_url("goal_progress", pair, goal), {"progress": "40", "note": "Outline"})
    assert saved["Location"] == page
    assert _messages(saved) == ["Progress saved."]

    ticked = owner.post(_url("milestone_toggle", pair, goal, milestone))
    assert ticked["Location"] == page
    milestone.refresh_from_db()
    assert milestone.done_at is not None

    dropped = owner.post(_url("goal_drop", pair, goal))
    assert dropped["Location"] == page
    assert _messages(dropped)[-1] == "Goal marked dropped."
    goal.refresh_from_db()
    assert goal.status == "dropped"


def test_goal_done(pair, participant):
    goal = _goal(pair, participant)
    done = client_for(participant).post(_url("goal_done", pair, goal))
    assert _messages(done) == ["Goal marked done."]
    goal.refresh_from_db()
    assert goal.status == "done" and goal.progress == 100


def test_calendar_address_create_and_revoke(participant):
    client = client_for(participant)
    created = client.post(_url("calendar_create"))
    assert created.status_code == 200
    assert "/calendar/" in created.content.decode() and 'id="feed-url"' in created.content.decode()
    assert "Stop the current address" in created.content.decode()

    revoked = client.post(_url("calendar_revoke"))
    assert revoked["Location"] == _url("calendar")
    assert _messages(revoked) == ["The calendar address no longer works."]
    assert not CalendarFeed.objects.filter(revoked_at__isnull=True).exists()
    assert client.get(_url("calendar_create")).status_code == 405


def test_calendar_address_needs_a_directory_entry(participant):
    participant.person.delete()
    response = client_for(participant).post(_url("calendar_create"))
    assert response["Location"] == _url("calendar")
    assert _messages(response) == ["Only people in the directory have a meeting calendar."]


def test_a_coordinator_marks_a_concern_handled(pair, participant, coordinator, admin):
    concern = Concern.objects.create(
        program=pair.program, relationship=pair, raised_by=participant.person, text="Hm"
    )
    other = make_program(admin, name="Someone else's")
    url = reverse("relationships:concern_handled", args=[pair.program.pk, concern.pk])
    response = client_for(coordinator).post(url)
    assert response["Location"] == _url("program_health", pair.program)
    concern.refresh_from_db()
    assert concern.handled_by == coordinator
    foreign = reverse("relationships:concern_handled", args=[other.pk, concern.pk])
    assert client_for(admin).post(foreign).status_code == 404  # not that program's concern


def test_bad_numbers_in_the_query_or_form_are_not_a_500(pair, participant, coordinator):
    client = client_for(participant)
    response = client.post(_url("schedule", pair), {"duration": "an hour"})
    assert response.status_code == 200
    health = client_for(coordinator).get(_url("program_health", pair.program) + "?page=x")
    assert health.status_code == 200

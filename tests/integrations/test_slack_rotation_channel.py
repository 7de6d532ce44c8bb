"""A coffee rotation that follows a Slack channel: members are enrolled, leavers withdrawn (before
each round and on join/leave events), and rounds start at the coordinator's local time."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from tandem.core.errors import ApplicationError, PermissionDeniedError
from tandem.integrations.slack.models import SlackChannelLink
from tandem.integrations.slack.services.people import directory_sync
from tandem.integrations.slack.services.rotation import (
    LinkInput,
    channel_link_save,
    channel_sync,
    linked_rounds,
)
from tandem.matches.models import MatchRun, RunPurpose
from tandem.matches.services.rotations import rotation_round
from tandem.programs.models import Enrolment, EnrolmentStatus, Program, ProgramStatus
from tandem.relationships.models import Relationship
from tests.factories import ProgramFactory
from tests.integrations.conftest import post_event, run_queued_tasks
from tests.matches.conftest import enrolled, matching_program

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
CHANNEL = "C0COFFEE42"


@pytest.fixture
def rotation(coordinator, standin):
    program = matching_program(coordinator, 6, kind="coffee_rotation", cadence="weekly")
    Program.objects.filter(pk=program.pk).update(status=ProgramStatus.ACTIVE)
    program.refresh_from_db()
    people = enrolled(program)
    ids = [standin.add_member(p.user.email) for p in people]
    standin.set_channel(CHANNEL, ["UBOT", *ids[:4]])  # two enrolled people are not in it
    directory_sync()
    link = channel_link_save(
        actor=coordinator,
        program=program,
        data=LinkInput(CHANNEL, "#coffee", time(10, 0), "Europe/Berlin"),
    )
    return program, people, ids, link


def _active(program):
    return set(
        Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE).values_list(
            "person_id", flat=True
        )
    )


def test_the_channel_members_become_the_enrolment(rotation, standin):
    program, people, ids, link = rotation
    result = channel_sync(link)
    assert _active(program) == {p.pk for p in people[:4]}
    assert sorted(result.withdrawn) == sorted(p.pk for p in people[4:])
    standin.page_size = 2  # paging through conversations.members
    standin.set_channel(CHANNEL, ["UBOT", *ids[1:6]])
    channel_sync(link)
    assert _active(program) == {p.pk for p in people[1:6]}
    assert len(standin.calls_to("conversations.members")) >= 4


def test_joining_and_leaving_the_channel_opts_in_and_out(
    rotation, standin, django_capture_on_commit_callbacks
):
    program, people, ids, link = rotation
    channel_sync(link)
    with django_capture_on_commit_callbacks(execute=True):
        post_event(
            {"type": "member_left_channel", "user": ids[0], "channel": CHANNEL}, event_id="E1"
        )
        post_event(
            {"type": "member_joined_channel", "user": ids[5], "channel": CHANNEL}, event_id="E2"
        )
        post_event(
            {"type": "member_joined_channel", "user": ids[5], "channel": "C0OTHER1"}, event_id="E3"
        )
    assert run_queued_tasks() == ["withdrawn", "enrolled", "ignored"]
    assert _active(program) == {p.pk for p in [*people[1:4], people[5]]}


def test_rounds_start_at_the_local_time_the_coordinator_picked(rotation, standin):
    program, people, _ids, _link = rotation
    SlackChannelLink.objects.update(created_at=datetime(2026, 12, 6, 12, 0, tzinfo=BERLIN))
    # Linked after Sunday's start time: nothing is backdated to it.
    assert linked_rounds(datetime(2026, 12, 7, 9, 59, tzinfo=BERLIN)) == 0
    # The generic rotation job leaves a linked program alone at any time.
    assert rotation_round(program=program, now=datetime(2026, 12, 7, 10, 0, tzinfo=BERLIN)) is None

    assert linked_rounds(datetime(2026, 12, 7, 10, 4, tzinfo=BERLIN)) == 1
    run = MatchRun.objects.get(program=program, purpose=RunPurpose.ROTATION)
    assert run.created_at == datetime(2026, 12, 7, 10, 0, tzinfo=BERLIN)
    paired = {
        pid
        for r in Relationship.objects.filter(run=run)
        for pid in r.members.values_list("person_id", flat=True)
    }
    assert paired == {p.pk for p in people[:4]}  # synced before the round: only channel members
    assert linked_rounds(datetime(2026, 12, 7, 16, 0, tzinfo=BERLIN)) == 0
    assert linked_rounds(datetime(2026, 12, 14, 9, 59, tzinfo=BERLIN)) == 0
    assert linked_rounds(datetime(2026, 12, 14, 10, 1, tzinfo=BERLIN)) == 1  # a week later, on time


def test_a_round_still_starts_with_the_last_known_members_when_slack_is_down(rotation, standin):
    _program, _people, _ids, link = rotation
    channel_sync(link)
    standin.fail_next("conversations.members", status=503, error="service_unavailable")
    assert linked_rounds(datetime(2026, 12, 7, 10, 1, tzinfo=BERLIN)) == 1


def test_linking_is_for_the_programs_coordinators_and_checks_what_it_is_given(
    rotation, participant, coordinator
):
    program, *_ = rotation
    with pytest.raises(PermissionDeniedError):
        channel_link_save(
            actor=participant,
            program=program,
            data=LinkInput("C0COFFEE43", "", time(9, 0), "UTC"),
        )
    with pytest.raises(ApplicationError) as caught:
        channel_link_save(
            actor=coordinator,
            program=program,
            data=LinkInput("general", "", time(9, 0), "Mars/Olympus"),
        )
    assert {e.field for e in caught.value.errors} == {"channel_id", "timezone"}
    pairs = ProgramFactory(kind="peer_pairs", coordinators=[coordinator])
    with pytest.raises(ApplicationError, match="could not be linked"):
        channel_link_save(
            actor=coordinator, program=pairs, data=LinkInput("C0COFFEE44", "", time(9, 0), "UTC")
        )
    assert SlackChannelLink.objects.get().channel_id == CHANNEL


def test_the_coordinator_links_a_channel_from_the_programs_page(rotation, coordinator, as_user):
    program, *_ = rotation
    client = as_user(coordinator)
    url = f"/integrations/slack/programs/{program.pk}/channel/"
    page = client.get(url)
    assert page.status_code == 200 and CHANNEL in page.content.decode()
    response = client.post(
        url,
        {
            "channel_id": "c0newchan1",
            "channel_name": "coffee",
            "post_time": "08:30",
            "timezone": "Asia/Tokyo",
        },
    )
    assert response.status_code == 302
    link = SlackChannelLink.objects.get()
    assert (link.channel_id, link.post_time, link.timezone) == (
        "C0NEWCHAN1",
        time(8, 30),
        "Asia/Tokyo",
    )
    refused = client.post(url, {"channel_id": "nope", "post_time": "08:30", "timezone": "UTC"})
    assert refused.status_code == 200 and "looks like C0123ABCD" in refused.content.decode()

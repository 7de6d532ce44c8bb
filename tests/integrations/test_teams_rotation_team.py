"""A coffee rotation that follows a Teams team: the team's members (Graph) are the enrolment,
synced before each round; rounds start at the coordinator's local time; intros go to group
chats; the round's summary is posted to the team's channel."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from tandem.core.errors import ApplicationError, PermissionDeniedError
from tandem.integrations.teams.models import TeamsTeamLink
from tandem.integrations.teams.services.people import directory_sync
from tandem.integrations.teams.services.rotation import (
    TeamLinkInput,
    linked_rounds,
    post_summaries,
    team_link_save,
    team_sync,
)
from tandem.matches.models import MatchRun, RunPurpose
from tandem.matches.services.rotations import rotation_round
from tandem.notify.models import OutboxMessage
from tandem.notify.outbox import deliver_due
from tandem.programs.models import Enrolment, EnrolmentStatus, Program, ProgramStatus
from tandem.relationships.models import Relationship
from tests.factories import MatchRunFactory, ProgramFactory
from tests.matches.conftest import enrolled, matching_program

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
TEAM = "2f0c1a9e-5d4b-4c3a-9e8f-7a6b5c4d3e2f"
CHANNEL = "19:Qx3kTfO0aWzq9ZqVQ1cGkYb2N0@thread.tacv2"
LINK = (
    "https://teams.microsoft.com/l/channel/19%3AQx3kTfO0aWzq9ZqVQ1cGkYb2N0%40thread.tacv2/"
    f"Coffee?groupId={TEAM}&tenantId=0b1c2d3e-0000-4000-8000-0000000000aa"
)


@pytest.fixture
def rotation(coordinator, ms):
    program = matching_program(coordinator, 6, kind="coffee_rotation", cadence="weekly")
    Program.objects.filter(pk=program.pk).update(status=ProgramStatus.ACTIVE)
    program.refresh_from_db()
    people = enrolled(program)
    ids = [ms.add_user(p.user.email) for p in people]
    stranger = ms.add_user("visitor@partner.example")  # a guest Tandem does not know
    ms.add_team(TEAM, [*ids[:4], stranger], channel_id=CHANNEL)  # two enrolled are not in it
    directory_sync()
    link = team_link_save(
        actor=coordinator,
        program=program,
        data=TeamLinkInput(LINK, "Coffee", time(10, 0), "Europe/Berlin"),
    )
    return program, people, ids, link


def _active(program):
    return set(
        Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE).values_list(
            "person_id", flat=True
        )
    )


def test_the_team_members_become_the_enrolment(rotation, ms):
    program, people, ids, link = rotation
    assert (link.team_id, link.channel_id) == (TEAM, CHANNEL)
    result = team_sync(link)
    assert _active(program) == {p.pk for p in people[:4]}
    assert sorted(result.withdrawn) == sorted(p.pk for p in people[4:])
    link.refresh_from_db()
    assert link.last_sync_summary == "4 people in Tandem; 0 joined, 2 left"
    ms.teams[TEAM] = ids[1:6]
    team_sync(link)
    assert _active(program) == {p.pk for p in people[1:6]}


def test_a_round_starts_at_the_local_time_and_its_summary_goes_to_the_channel(rotation, ms):
    program, people, _ids, _link = rotation
    TeamsTeamLink.objects.update(created_at=datetime(2026, 12, 6, 12, 0, tzinfo=BERLIN))
    assert linked_rounds(datetime(2026, 12, 7, 9, 59, tzinfo=BERLIN)) == 0
    assert rotation_round(program=program, now=datetime(2026, 12, 7, 10, 0, tzinfo=BERLIN)) is None

    assert linked_rounds(datetime(2026, 12, 7, 10, 4, tzinfo=BERLIN)) == 1
    assert len(ms.calls_to("graph.team_members")) == 1  # synced before matching
    run = MatchRun.objects.get(program=program, purpose=RunPurpose.ROTATION)
    paired = {
        pid
        for r in Relationship.objects.filter(run=run)
        for pid in r.members.values_list("person_id", flat=True)
    }
    assert paired == {p.pk for p in people[:4]}

    # Each pair's intro goes to its own group chat, as for any match.
    intros = OutboxMessage.objects.filter(kind="teams_intro")
    assert intros.count() == 2
    deliver_due(worker_id="test", now=datetime(2026, 12, 7, 10, 5, tzinfo=BERLIN))
    assert len(ms.calls_to("graph.create_chat")) == 2

    # The summary, once, in the team's channel.
    ms.fail_next("connector.post", status=429, retry_after=30)
    assert post_summaries() == 0  # throttled: tried again on the next tick
    assert post_summaries() == 1
    summary = [p for p in ms.posted if p.conversation_id == CHANNEL]
    assert len(summary) == 1
    texts = " ".join(block["text"] for block in summary[0].card["body"])
    assert "Round 1" in texts and "**2 pairs** this round." in texts
    assert post_summaries() == 0
    assert linked_rounds(datetime(2026, 12, 14, 10, 1, tzinfo=BERLIN)) == 1  # a week later
    assert post_summaries() == 1


def test_a_round_still_starts_with_the_last_known_members_when_graph_is_down(rotation, ms):
    program, people, _ids, link = rotation
    team_sync(link)
    ms.fail_next("graph.team_members", status=503, code="serviceNotAvailable")
    assert linked_rounds(datetime(2026, 12, 7, 10, 1, tzinfo=BERLIN)) == 1
    assert _active(program) == {p.pk for p in people[:4]}


def test_linking_is_for_the_programs_coordinators_and_checks_what_it_is_given(
    rotation, participant, coordinator
):
    program, *_ = rotation
    with pytest.raises(PermissionDeniedError):
        team_link_save(
            actor=participant, program=program, data=TeamLinkInput(LINK, "", time(9, 0), "UTC")
        )
    with pytest.raises(ApplicationError) as caught:
        team_link_save(
            actor=coordinator,
            program=program,
            data=TeamLinkInput("https://teams.microsoft.com/l/team/x", "", time(9), "Mars/Base"),
        )
    assert {e.field for e in caught.value.errors} == {"channel_link", "timezone"}
    other = ProgramFactory(kind="coffee_rotation", coordinators=[coordinator])
    with pytest.raises(ApplicationError) as caught:
        team_link_save(
            actor=coordinator, program=other, data=TeamLinkInput(LINK, "", time(9, 0), "UTC")
        )
    assert "Another program already follows this team." in str(caught.value.errors)
    assert TeamsTeamLink.objects.get().program == program


def test_the_coordinator_links_a_team_from_the_programs_page(rotation, coordinator, as_user):
    program, *_ = rotation
    TeamsTeamLink.objects.all().delete()
    client = as_user(coordinator)
    assert "Follow a Teams team" in client.get(f"/programs/{program.pk}/").content.decode()
    url = f"/integrations/teams/programs/{program.pk}/team/"
    response = client.post(
        url, {"channel_link": LINK, "post_time": "08:30", "timezone": "Asia/Tokyo"}
    )
    assert response.status_code == 302
    link = TeamsTeamLink.objects.get()
    assert (link.team_id, link.post_time, link.timezone) == (TEAM, time(8, 30), "Asia/Tokyo")
    page = client.get(url).content.decode()
    assert TEAM in page and "rounds at 08:30 Asia/Tokyo" in page
    refused = client.post(url, {"channel_link": "teams", "post_time": "08:30", "timezone": "UTC"})
    assert refused.status_code == 200 and "Get link to channel" in refused.content.decode()
    synced = client.post(f"{url}sync/", follow=True)
    assert "Synced: 0 joined, 2 left." in synced.content.decode()
    client.post(f"{url}unlink/")
    assert not TeamsTeamLink.objects.exists()


def test_the_summary_says_who_could_not_be_paired(rotation):
    from tandem.integrations.teams.services.rotation import round_summary

    program, *_ = rotation
    run = MatchRunFactory(program=program, label="Round 4")
    run.rules = {"sitting_out": ["7"], "snoozed": ["8", "9"]}
    text = round_summary(run).text
    assert text.startswith("*0 pairs* this round. 1 person could not be paired this time.")
    assert "2 people snoozed this round." in text


def test_a_program_following_a_slack_channel_cannot_follow_a_team_too(rotation, coordinator):
    from tandem.integrations.slack.models import SlackChannelLink

    program, *_ = rotation
    TeamsTeamLink.objects.all().delete()
    SlackChannelLink.objects.create(program=program, channel_id="C0COFFEE42")
    with pytest.raises(ApplicationError) as caught:
        team_link_save(
            actor=coordinator, program=program, data=TeamLinkInput(LINK, "", time(9, 0), "UTC")
        )
    assert "follows a Slack channel; stop that first." in str(caught.value.errors)

"""Coffee rotation and the participation loop: whoever sits a round out is told why and really
is first in line next round; snoozing skips rounds; rounds end with "did you meet?"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.matches.models import RotationStanding, UnmatchedPerson
from tandem.matches.services.rotations import rotation_round, round_checkins
from tandem.matches.services.standings import SIT_OUT_REASON
from tandem.notify.actions import dispatch
from tandem.notify.models import OutboxMessage
from tandem.notify.outbox import render_row
from tandem.programs.models import Program, ProgramStatus
from tandem.relationships.models import Membership
from tests.matches.conftest import enrolled

pytestmark = pytest.mark.django_db


@pytest.fixture
def rotation(program_factory):
    def make(n: int) -> Program:
        program = program_factory(n, kind="coffee_rotation", repeat_cooldown_rounds=0)
        Program.objects.filter(pk=program.pk).update(status=ProgramStatus.ACTIVE)
        program.refresh_from_db()
        return program

    return make


def paired_in(run) -> set[int]:
    return set(Membership.objects.filter(relationship__run=run).values_list("person_id", flat=True))


def next_round(program, number: int):
    moment = timezone.now() + timedelta(days=14 * number)
    run = rotation_round(program=program, now=moment)
    assert run is not None and run.status == "published", run.error if run else None
    return run


def test_whoever_sits_out_is_told_and_is_first_in_line_next_round(rotation):
    program = rotation(7)
    waiting = None
    sat_out = []
    for number in range(1, 8):
        run = next_round(program, number)
        if waiting is not None:
            assert waiting in paired_in(run), f"round {number}: {waiting} sat out twice"
            standing = RotationStanding.objects.get(program=program, person_id=waiting)
            assert not standing.first_in_line
        out = list(UnmatchedPerson.objects.filter(run=run).values_list("person_id", "reason"))
        assert len(out) == 1 and out[0][1] == SIT_OUT_REASON
        waiting = out[0][0]
        sat_out.append(waiting)
        told = render_row(
            OutboxMessage.objects.get(
                kind="not_matched", event_key__startswith=f"match-run:{run.pk}:"
            )
        )
        assert "odd number of people" in told.body_text and "first in line" in told.body_text
        assert RotationStanding.objects.get(program=program, person_id=waiting).first_in_line
    assert len(set(sat_out)) > 1  # not always the same person


def test_snooze_skips_exactly_the_chosen_rounds(rotation):
    program = rotation(8)
    sleeper = enrolled(program)[0]
    result = dispatch("rotation.snooze", sleeper.user, f"{program.pk}:2")
    assert result.ok and "next 2 rounds" in result.text
    rounds = [next_round(program, n) for n in (1, 2, 3)]
    assert [sleeper.pk in paired_in(run) for run in rounds] == [False, False, True]
    assert not UnmatchedPerson.objects.filter(run__in=rounds[:2], person=sleeper).exists()
    assert len(paired_in(rounds[0])) == 6  # 7 left: one of them sat out, not the sleeper


def test_snooze_refuses_bad_values(rotation):
    program = rotation(4)
    person = enrolled(program)[0]
    assert not dispatch("rotation.snooze", person.user, f"{program.pk}:9").ok
    assert not dispatch("rotation.snooze", person.user, f"{program.pk}:until:2000-01-01").ok
    assert not dispatch("rotation.snooze", person.user, "x:1").ok
    until = timezone.localdate() + timedelta(days=30)
    assert dispatch("rotation.snooze", person.user, f"{program.pk}:until:{until}").ok
    assert RotationStanding.objects.get(person=person).paused_until == until


def test_round_ends_with_did_you_meet_and_snooze_buttons(rotation):
    program = rotation(4)
    run = next_round(program, 1)
    started = timezone.now() + timedelta(days=14)
    run.__class__.objects.filter(pk=run.pk).update(created_at=started)
    assert round_checkins(now=started + timedelta(days=5)) == 0  # too early
    assert round_checkins(now=started + timedelta(days=12, hours=1)) == 4
    assert round_checkins(now=started + timedelta(days=12, hours=2)) == 0
    message = OutboxMessage.objects.filter(kind="did_you_meet").first()
    assert "ends soon" in message.body_text and "Skip next round: http" in message.body_text


def test_pause_until_a_date_from_the_rounds_message(participant):
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    from tandem.matches.models import RotationStanding
    from tandem.matches.services.standings import snooze_buttons
    from tests.conftest import client_for
    from tests.factories import EnrolmentFactory, ProgramFactory

    coffee = ProgramFactory(kind="coffee_rotation", status="active", name="Coffee")
    EnrolmentFactory(program=coffee, person=participant.person)
    url = reverse("matches:rotation_pause", args=[coffee.pk])
    assert any(b.url and b.url.endswith(url) for b in snooze_buttons(coffee))

    client = client_for(participant)
    assert "No rounds for me until" in client.get(url).content.decode()
    too_far = client.post(url, {"until": (timezone.localdate() + timedelta(days=400)).isoformat()})
    assert too_far.status_code == 200 and "Choose a date in the coming year." in (
        too_far.content.decode()
    )
    until = timezone.localdate() + timedelta(days=21)
    done = client.post(url, {"until": until.isoformat()})
    assert done.status_code == 302
    standing = RotationStanding.objects.get(program=coffee, person=participant.person)
    assert standing.paused_until == until

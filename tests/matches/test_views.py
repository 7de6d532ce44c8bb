"""The matching screens: reading writes nothing, each action has its own URL, errors are told."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tandem.matches.models import CriteriaVersion, MatchRun, PairRule, RunStatus
from tandem.matches.services.publish import run_publish
from tandem.matches.services.runs import run_create
from tandem.matches.solving import run_execute
from tandem.relationships.models import Membership, RelationshipStatus, RepairRequest
from tests.conftest import client_for
from tests.writes import no_writes


def _messages(response) -> list[str]:
    """The messages queued by this response (after any still unread from earlier ones)."""
    return [str(m) for m in get_messages(response.wsgi_request)]


def _done_run(coordinator, program) -> MatchRun:
    run = run_create(actor=coordinator, program=program)
    run_execute(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    return run


def _pair(run: MatchRun) -> tuple[int, int]:
    first, second = run.proposals.first().members.values_list("person_id", flat=True)[:2]
    return first, second


def test_the_criteria_and_matching_pages_write_nothing(coordinator, program_factory):
    program = program_factory(4)
    client = client_for(coordinator)
    with no_writes():
        criteria = client.get(reverse("matches:criteria", args=[program.pk]))
        overview = client.get(reverse("matches:program", args=[program.pk]))
    assert criteria.status_code == overview.status_code == 200
    assert not CriteriaVersion.objects.filter(program=program).exists()
    assert "current version 1" in criteria.content.decode()
    assert "Criteria (v1)" in overview.content.decode()


def test_saving_criteria_after_the_defaults_were_shown(coordinator, program_factory):
    program = program_factory(4)
    client = client_for(coordinator)
    page = client.get(reverse("matches:criteria", args=[program.pk]))
    data = {
        name: field.value() if field.value() is not None else ""
        for name, field in ((f.name, f) for f in page.context["form"])
    }
    data = {k: v for k, v in data.items() if v is not False}
    data["level__weight"] = "7"
    saved = client.post(reverse("matches:criteria", args=[program.pk]), data)
    assert saved.status_code == 302, saved.context["form"].errors if saved.context else saved
    assert list(program.criteria_versions.values_list("number", flat=True)) == [2, 1]
    assert _messages(saved) == ["Criteria saved as version 2."]


def test_run_actions_each_have_a_url(coordinator, program_factory):
    program = program_factory(8)
    run = _done_run(coordinator, program)
    first, second = _pair(run)
    client = client_for(coordinator)
    url = reverse("matches:run", args=[run.pk])

    locked = client.post(
        reverse("matches:run_lock", args=[run.pk]), {"first": first, "second": second}
    )
    assert locked["Location"] == url
    assert PairRule.objects.get(program=program).kind == "lock"
    assert "will always be matched" in _messages(locked)[0]

    forbidden = client.post(
        reverse("matches:run_forbid", args=[run.pk]), {"first": first, "second": second}
    )
    assert forbidden["Location"] == url
    assert PairRule.objects.get(program=program).kind == "forbid"

    rerun = client.post(reverse("matches:run_rerun", args=[run.pk]))
    new = MatchRun.objects.exclude(pk=run.pk).get()
    assert rerun["Location"] == reverse("matches:run", args=[new.pk])
    assert new.seed == run.seed + 1

    discarded = client.post(reverse("matches:run_discard", args=[run.pk]))
    assert discarded["Location"] == reverse("matches:program", args=[program.pk])


def test_swap_and_publish(coordinator, program_factory):
    program = program_factory(8)
    run = _done_run(coordinator, program)
    proposals = list(run.proposals.all()[:2])
    a = proposals[0].members.first().person_id
    b = proposals[1].members.first().person_id
    client = client_for(coordinator)
    swapped = client.post(reverse("matches:run_swap", args=[run.pk]), {"first": a, "second": b})
    assert swapped["Location"] == reverse("matches:run", args=[run.pk])
    assert "both matches were rescored" in _messages(swapped)[0]

    published = client.post(reverse("matches:run_publish", args=[run.pk]))
    assert published["Location"] == reverse("matches:program", args=[program.pk])
    assert _messages(published)[-1] == "Published 4 matches; everyone has been told."
    client.get(published["Location"])  # read them
    again = client.post(reverse("matches:run_publish", args=[run.pk]))
    assert again["Location"] == reverse("matches:run", args=[run.pk])
    assert len(_messages(again)) == 1  # the refusal is told, not a 500


@pytest.mark.parametrize(
    "data",
    [{}, {"first": "x", "second": "1"}, {"first": "999999", "second": "999998"}],
)
def test_a_pair_action_with_bad_people_is_a_404_not_a_500(coordinator, program_factory, data):
    run = _done_run(coordinator, program_factory(4))
    client = client_for(coordinator)
    for action in ("run_swap", "run_lock", "run_forbid"):
        assert client.post(reverse(f"matches:{action}", args=[run.pk]), data).status_code == 404


def test_a_pair_rule_for_the_same_person_twice_is_told(coordinator, program_factory):
    run = _done_run(coordinator, program_factory(4))
    first, _ = _pair(run)
    response = client_for(coordinator).post(
        reverse("matches:run_lock", args=[run.pk]), {"first": first, "second": first}
    )
    assert response.status_code == 302
    assert _messages(response) == ["Choose two different people."]


def test_run_actions_answer_only_post(coordinator, program_factory):
    run = _done_run(coordinator, program_factory(4))
    client = client_for(coordinator)
    for action in ("publish", "discard", "rerun", "swap", "lock", "forbid"):
        assert client.get(reverse(f"matches:run_{action}", args=[run.pk])).status_code == 405


def test_a_bad_seed_is_told(coordinator, program_factory):
    program = program_factory(4)
    response = client_for(coordinator).post(
        reverse("matches:run_create", args=[program.pk]), {"seed": "abc", "criteria": "x"}
    )
    assert response["Location"] == reverse("matches:program", args=[program.pk])
    assert _messages(response) == ["Invalid seed."]


def _published(coordinator, program_factory) -> list[Membership]:
    program = program_factory(4)
    run_publish(actor=coordinator, run=_done_run(coordinator, program))
    return list(Membership.objects.filter(relationship__program=program).select_related("person"))


def test_a_participant_accepts_declines_and_asks_to_be_repaired(coordinator, program_factory):
    memberships = _published(coordinator, program_factory)
    mine = memberships[0]
    client = client_for(mine.person.user)
    page = reverse("matches:my_match", args=[mine.pk])

    accepted = client.post(reverse("matches:my_match_accept", args=[mine.pk]))
    assert accepted["Location"] == page
    assert _messages(accepted) == ["You accepted. We will let you know when everyone has."]
    mine.refresh_from_db()
    assert mine.accepted_at is not None

    other = next(m for m in memberships if m.relationship_id != mine.relationship_id)
    other_client = client_for(other.person.user)
    declined = other_client.post(
        reverse("matches:my_match_decline", args=[other.pk]), {"reason": "We sit together"}
    )
    assert declined["Location"] == reverse("matches:my_match", args=[other.pk])
    assert _messages(declined) == ["You declined. You are back in the pool for the next match."]
    other.relationship.refresh_from_db()
    assert other.relationship.status == RelationshipStatus.DECLINED

    repaired = client.post(
        reverse("matches:my_match_repair", args=[mine.pk]), {"reason": "Not working"}
    )
    assert repaired["Location"] == page
    assert RepairRequest.objects.filter(relationship=mine.relationship).exists()
    assert "Your request to be re-paired is with the coordinators." in (
        client.get(page).content.decode()
    )


def test_a_too_long_decline_reason_shows_the_form_again(coordinator, program_factory):
    mine = _published(coordinator, program_factory)[0]
    client = client_for(mine.person.user)
    response = client.post(
        reverse("matches:my_match_decline", args=[mine.pk]), {"reason": "x" * 2001}
    )
    assert response.status_code == 200
    assert "Ensure this value has at most 2000 characters" in response.content.decode()
    mine.refresh_from_db()
    assert mine.declined_at is None


def test_answering_someone_elses_match_is_a_404(coordinator, program_factory):
    memberships = _published(coordinator, program_factory)
    stranger = next(m for m in memberships if m.relationship_id != memberships[0].relationship_id)
    client = client_for(stranger.person.user)
    for action in ("accept", "decline", "repair"):
        url = reverse(f"matches:my_match_{action}", args=[memberships[0].pk])
        assert client.post(url).status_code == 404

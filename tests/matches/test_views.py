"""The matching screens: reading writes nothing, each action has its own URL, errors are told."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.urls import reverse

from tandem.matches.models import CriteriaVersion, MatchRun, RunStatus
from tandem.matches.services.runs import run_create
from tandem.matches.solving import run_execute
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

"""Query counts of the list pages and list endpoints against a committed baseline (netbox's
habit): an N+1 shows in review instead of in production.

Each page is measured on a demo-like world of two sizes — a small one, then the same world
grown to four times as many rows (people, matches, meetings, goals, responses, programs,
e-mails, audit entries). The count must not grow with the rows, and must not exceed the
baseline in ``tests/query_counts.json`` (one per database vendor, as the vendors differ by a
query here and there).

To record a new baseline after a deliberate change (say a page now shows one more panel), run
``make query-counts`` (SQLite, then PostgreSQL if one answers on 127.0.0.1:5432), look at the
diff of ``tests/query_counts.json`` and commit it. By hand, once per database:

    UPDATE_QUERY_COUNTS=1 .venv/bin/pytest -p no:cacheprovider -n 0 tests/test_query_counts.py

A page missing from the file fails with a pointer here.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.audit.models import AuditEntry
from tandem.feedback.services.answers import response_submit
from tandem.notify.models import OutboxMessage
from tandem.people.models import ImportBatch
from tandem.relationships.services.health import recount
from tests.conftest import client_for
from tests.factories import (
    EnrolmentFactory,
    GoalFactory,
    MatchRunFactory,
    MeetingFactory,
    PersonFactory,
    ProgramFactory,
    RelationshipFactory,
    SurveyFactory,
    standard_answers,
)
from tests.feedback.conftest import answers_for

BASELINE = Path(__file__).with_name("query_counts.json")
SMALL, LARGE = 3, 12  # pairs of people (and extra programs, e-mails, audit entries, …)

# name: (who looks, URL template)
PAGES = {
    "page: directory": ("admin", "/people/"),
    "page: programs list": ("coordinator", "/programs/"),
    "page: program enrolments": ("coordinator", "/programs/{program}/enrolments/"),
    "page: matches review": ("coordinator", "/matches/runs/{run}/"),
    "page: relationship health": ("coordinator", "/relationships/programs/{program}/health/"),
    "page: program dashboard": ("coordinator", "/insights/programs/{program}/"),
    "page: outbox": ("admin", "/outbox/"),
    "page: audit log": ("admin", "/audit/"),
    "page: survey results": ("coordinator", "/feedback/{survey}/results/"),
    "page: home": ("participant", "/"),
    "api: people": ("admin", "/api/people"),
    "api: imports": ("admin", "/api/imports"),
    "api: programs": ("coordinator", "/api/programs"),
    "api: enrolments": ("coordinator", "/api/programs/{program}/enrolments"),
    "api: runs": ("coordinator", "/api/programs/{program}/runs"),
    "api: proposals": ("coordinator", "/api/runs/{run}/proposals"),
    "api: unmatched": ("coordinator", "/api/runs/{run}/unmatched"),
    "api: health": ("coordinator", "/api/programs/{program}/health"),
    "api: surveys": ("coordinator", "/api/programs/{program}/surveys"),
    "api: survey results": ("coordinator", "/api/surveys/{survey}/results"),
    "api: my matches": ("participant", "/api/matches"),
    "api: my relationships": ("participant", "/api/relationships"),
    "api: my surveys": ("participant", "/api/me/surveys"),
}


class World:
    """A program in full swing, grown pair by pair (``grow``)."""

    def __init__(self, coordinator, participant):
        self.coordinator, self.participant = coordinator, participant
        self.program = ProgramFactory(status="active", coordinators=[coordinator])
        self.run = MatchRunFactory(program=self.program, status="published")
        self.survey = SurveyFactory(program=self.program, status="open")
        self.pairs = 0

    def grow(self, pairs: int) -> None:
        while self.pairs < pairs:
            self._add_pair(self.pairs)
            self.pairs += 1

    def _add_pair(self, index: int) -> None:
        program = self.program
        people = [
            PersonFactory(level=2 + (2 * index + n) % 4, department__name=f"Dept {index % 3}")
            for n in range(2)
        ]
        for n, person in enumerate(people):
            EnrolmentFactory(
                program=program, person=person, answers=standard_answers(program, 2 * index + n)
            )
        self.run.proposals.create(score=0.8, explanation=["x"]).members.set([], clear=True)
        proposal = self.run.proposals.latest("id")
        for person in people:
            proposal.members.create(person=person, explanation=["y"])
        self.run.unmatched.create(person=PersonFactory(), reason="Nobody fitted.")
        relationship = RelationshipFactory(
            program=program,
            members=people,
            created_at=timezone.now() - timedelta(days=40),
            run=self.run,
        )
        MeetingFactory(relationship=relationship, status="held")
        MeetingFactory(relationship=relationship)
        GoalFactory(relationship=relationship)
        recount(relationship)
        self.survey.participations.bulk_create(
            [
                self.survey.participations.model(
                    survey=self.survey, person=p, invited_on=timezone.localdate()
                )
                for p in people
            ]
        )
        for person in people:
            response_submit(
                actor=person.user, survey=self.survey, answers=answers_for(self.survey, person)
            )
        # the participant's own list grows too: a match in another program each time
        other = ProgramFactory(status="active", coordinators=[self.coordinator])
        RelationshipFactory(program=other, members=[self.participant.person, PersonFactory()])
        SurveyFactory(program=other, status="open", invited=[self.participant.person])
        OutboxMessage.objects.create(
            event_key=f"qc-{index}", recipient=people[0].user.email, kind="x", subject="s"
        )
        AuditEntry.objects.create(action="qc.grown", actor=self.coordinator, data={"i": index})
        ImportBatch.objects.create(
            file_name=f"{index}.csv", file_size=1, sha256=f"{index:064d}", status="applied"
        )

    def url(self, template: str) -> str:
        return template.format(program=self.program.pk, run=self.run.pk, survey=self.survey.pk)


def _count(client, url: str) -> int:
    client.get(url)  # warm up: session, content types, caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries.captured_queries)


def _baseline() -> dict:
    return json.loads(BASELINE.read_text()) if BASELINE.exists() else {}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_query_count_stays_flat_and_within_the_baseline(
    name, admin, coordinator, participant, settings
):
    settings.DEBUG = False
    who, template = PAGES[name]
    client = client_for(
        {"admin": admin, "coordinator": coordinator, "participant": participant}[who]
    )
    world = World(coordinator, participant)
    world.grow(SMALL)
    small = _count(client, world.url(template))
    world.grow(LARGE)
    large = _count(client, world.url(template))
    assert large <= small, f"{name}: {small} queries with {SMALL} pairs, {large} with {LARGE}"
    vendor = connection.vendor
    if os.environ.get("UPDATE_QUERY_COUNTS"):
        recorded = _baseline()
        recorded.setdefault(vendor, {})[name] = large
        recorded[vendor] = dict(sorted(recorded[vendor].items()))
        BASELINE.write_text(json.dumps(recorded, indent=2) + "\n")
        return
    baseline = _baseline().get(vendor, {})
    assert name in baseline, f"no baseline for {name!r} on {vendor}: see this module's docstring"
    assert large <= baseline[name], (
        f"{name}: {large} queries, the baseline is {baseline[name]} "
        "(an N+1, or a deliberate change: then update the baseline as this module says)"
    )

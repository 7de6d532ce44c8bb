"""Crash drill (issue 18): publishing a match run SIGKILLed at random points leaves either no
relationship at all or every relationship with the message to each of its members — never a
relationship whose people were not told. ``run_publish`` runs in a child process on the suite's
database (SQLite or PostgreSQL, whichever this run uses)."""

from __future__ import annotations

import random
import time

import pytest
from benchmarks.bench_matching_product import seed

from tandem.matches.models import MatchRun, RunStatus
from tandem.matches.services.criteria import current_criteria
from tandem.matches.solving import run_execute
from tandem.notify.models import OutboxMessage
from tandem.relationships.models import Membership, Relationship
from tests.drills import child_env, finish, kill, start

PEOPLE = 200  # publishing them takes about 3 s here: the kills land mid-way
KILLS = 3


def _state(run: MatchRun) -> tuple[str, int, int]:
    """(run status, relationships, memberships without their match message)."""
    told = set(
        OutboxMessage.objects.filter(event_key__startswith="match:").values_list(
            "event_key", flat=True
        )
    )
    untold = sum(
        f"match:{relationship_id}:proposed:{pk}" not in told
        for pk, relationship_id in Membership.objects.values_list("pk", "relationship_id")
    )
    run.refresh_from_db()
    return run.status, Relationship.objects.count(), untold


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_publish_killed_at_random_points_leaves_no_relationship_untold():
    admin, program = seed(PEOPLE, random.Random(3))
    run = MatchRun.objects.create(
        program=program, criteria=current_criteria(program), participants=PEOPLE
    )
    run_execute(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    command = ["tests/matches/publish_drill.py", str(run.pk), str(admin.pk)]
    env = child_env()
    rng = random.Random(18)
    for _ in range(KILLS):
        child = start(command, env)
        try:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "publishing"
            time.sleep(rng.uniform(0.0, 1.5))
        finally:
            kill(child)
        status, relationships, untold = _state(run)
        assert untold == 0
        assert (status, relationships > 0) in (
            (RunStatus.DONE, False),
            (RunStatus.PUBLISHED, True),
        ), f"{status} with {relationships} relationships"
        if status == RunStatus.PUBLISHED:
            break  # it finished before the kill: nothing left to interrupt
    else:
        output = finish(start(command, env))
        assert "published" in output
    status, relationships, untold = _state(run)
    assert status == RunStatus.PUBLISHED and relationships > PEOPLE // 3 and untold == 0

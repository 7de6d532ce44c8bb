"""schemathesis over the published document, for an admin, a coordinator and a participant.

The examples, coverage and fuzzing phases run for every operation with a fixed seed and a
bounded number of examples (``FUZZ_EXAMPLES``, 5 by default; ``make fuzz`` raises it and prints
the figures), then the stateful phase follows links between operations. Checks: no server
error, the response fits the documented schema, the status and the content type are documented.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import load_all_checks

from tandem.accounts.services import api_token_create
from tandem.wsgi import application
from tests.fuzz.tally import Tally
from tests.fuzz.world import build_world

load_all_checks()
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
#: Tens of seconds per role: in `make test` and CI, not in `make test-fast`.
pytestmark = pytest.mark.slow
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]
SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)


@pytest.fixture(params=["admin", "coordinator", "participant"])
def role(request):
    return request.param


@pytest.fixture
def world(db, role):
    return build_world()


@pytest.fixture
def token(world, role):
    _, secret = api_token_create(user=world[role], name="fuzz")
    return secret


@pytest.fixture
def tally(role):
    """Cases and failures by kind for this role; ``make fuzz`` prints them."""
    counts = Tally(role=role, phase="examples+coverage+fuzzing")
    yield counts
    counts.report()


@pytest.fixture
def in_process():
    """Serve through the WSGI handler inside the test's transaction: like Django's test client,
    keep the handler from closing the connection after each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(world, in_process):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", application)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@SETTINGS
def test_api_keeps_its_contract(case, token, tally):
    with tally.case(case):
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


def test_stateful_links_keep_the_contract(token, tally, in_process):
    """The stateful phase: sequences of calls following the links schemathesis infers between
    operations (an id one response returns, used by the next request)."""
    state = schemathesis.openapi.from_wsgi("/api/openapi.json", application).as_state_machine()
    tally.phase = "stateful"

    class Machine(state):  # type: ignore[misc, valid-type]
        def get_call_kwargs(self, case):
            return {"headers": {"Authorization": f"Bearer {token}"}}

        def validate_response(self, response, case, additional_checks=(), **kwargs):
            with tally.case(case):
                case.validate_response(response, checks=CHECKS)

    Machine.run(
        settings=settings(SETTINGS, max_examples=max(EXAMPLES // 2, 3), stateful_step_count=6)
    )

"""Issue 17: concern texts and re-pair reasons reach the program's own coordinators only — not
admins who do not coordinate it."""

from __future__ import annotations

from tandem.relationships.services.answers import repair_request
from tandem.relationships.services.concerns import concern_raise
from tests.conftest import client_for

CONCERN = "Zq-concern-canary"
REASON = "Zq-repair-canary"


def test_concerns_and_repair_reasons_are_for_the_programs_coordinators(
    pair, participant, coordinator, admin
):
    concern_raise(actor=participant, relationship=pair, kind="other", text=CONCERN)
    repair_request(actor=participant, relationship=pair, reason=REASON)
    program = pair.program_id
    pages = [
        f"/relationships/programs/{program}/health/",
        f"/matches/programs/{program}/",
        f"/matches/programs/{program}/relationships/{pair.pk}/end/",
    ]
    for url in pages:
        mine = client_for(coordinator).get(url)
        theirs = client_for(admin).get(url)
        assert mine.status_code == theirs.status_code == 200, url
        assert CONCERN in mine.text or REASON in mine.text, url
        assert CONCERN not in theirs.text and REASON not in theirs.text, url

"""Background work of the matching app, on Django's task interface (run by ``tandem worker``).

Tasks take ids and call the work they queue (``solving``); the use cases that queue them
(``services.runs``) sit above, so nothing here imports upwards.
"""

from __future__ import annotations

from django_tasks import task

from tandem.matches.solving import run_execute


@task()
def execute_match_run(run_id: int) -> str:
    run = run_execute(run_id)
    return "already taken" if run is None else run.status

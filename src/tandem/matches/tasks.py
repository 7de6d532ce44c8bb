"""Background work of the matching app, on Django's task interface (run by ``tandem worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def execute_match_run(run_id: int) -> str:
    from tandem.matches.services import run_execute

    run = run_execute(run_id)
    return "already taken" if run is None else run.status

"""Criteria versions: every save keeps a new version, so every run can be reproduced."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, FieldError
from tandem.matches.models import (
    CriteriaVersion,
)
from tandem.matches.selectors import latest_criteria
from tandem.matches.services.common import require_coordinator
from tandem.matching import (
    ConfigError,
    load_config,
)
from tandem.programs.models import (
    Program,
)


def current_criteria(program: Program) -> CriteriaVersion:
    """The latest criteria version, saving the defaults as version 1 first if there is none yet.

    For write use cases (saving criteria, starting a run, a rotation round) that need a version
    a run can point at; pages that only show the criteria use ``selectors.latest_criteria``.
    """
    version = latest_criteria(program)
    if version.pk is None:
        version.save()
    return version


@transaction.atomic
def criteria_save(
    *, actor: User, program: Program, config: dict[str, Any], note: str = ""
) -> CriteriaVersion:
    """Keep a new version of the criteria (older ones stay, so every run is reproducible)."""
    require_coordinator(actor, program)
    config = {**config, "kind": program.kind}
    try:
        load_config(config)
    except ConfigError as exc:
        raise ApplicationError(
            "These criteria cannot be used.", errors=[FieldError(p) for p in exc.problems]
        ) from None
    latest = current_criteria(program)
    if latest.config == config:
        return latest
    version = CriteriaVersion.objects.create(
        program=program, number=latest.number + 1, config=config, note=note[:200], created_by=actor
    )
    log_action(
        "matching.criteria_saved", actor=actor, target=program, data={"version": version.number}
    )
    return version

"""Review edits before publishing: swapping two people rescores both of their groups with the
same criteria."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError
from tandem.matches import engine_input
from tandem.matches.models import (
    MatchRun,
    Proposal,
    ProposalMember,
    RunStatus,
)
from tandem.matches.services.common import require_coordinator
from tandem.matching import (
    build_problem,
    load_config,
    score_group,
)
from tandem.matching.scoring import PRIVATE_PREFERENCE
from tandem.people.models import Person
from tandem.programs.models import (
    Enrolment,
    EnrolmentStatus,
)

PRIVATE_PREFERENCE_REFUSAL = (
    "A private preference prevents this pair, so the swap was not made. Choose someone else."
)


def _editable(run: MatchRun) -> None:
    if run.status != RunStatus.DONE:
        raise ApplicationError("Only a finished, unpublished run can be changed.")


@transaction.atomic
def proposal_swap(
    *, actor: User, run: MatchRun, first: Person, second: Person
) -> tuple[Proposal, Proposal]:
    """Swap two people between their proposals and rescore both with the same criteria."""
    require_coordinator(actor, run.program)
    run = MatchRun.objects.select_for_update().get(pk=run.pk)
    _editable(run)
    a = (
        ProposalMember.objects.select_related("proposal")
        .filter(proposal__run=run, person=first)
        .first()
    )
    b = (
        ProposalMember.objects.select_related("proposal")
        .filter(proposal__run=run, person=second)
        .first()
    )
    if a is None or b is None:
        raise ApplicationError("Both people must be in a proposal of this run.")
    if a.proposal_id == b.proposal_id:
        raise ApplicationError("They are already together.")
    if a.proposal.joins_id or b.proposal.joins_id:
        raise ApplicationError(
            "A person joining a live match cannot be swapped; discard this run and run the "
            "matching again with locks or forbids instead."
        )
    a.person, b.person = b.person, a.person
    for member in (a, b):
        member.save(update_fields=["person"])
    problem = problem_for_scoring(run)
    for proposal in (a.proposal, b.proposal):
        _rescore(problem, proposal)
    log_action(
        "matching.swap",
        actor=actor,
        target=run.program,
        data={"run": run.pk, "people": [first.pk, second.pk]},
    )
    return a.proposal, b.proposal


def problem_for_scoring(run: MatchRun) -> Any:
    enrolments = list(
        Enrolment.objects.filter(program=run.program, status=EnrolmentStatus.ACTIVE).select_related(
            "person__user", "person__department"
        )
    )
    records = engine_input.participants(run.program, enrolments)
    config = dict(run.criteria.config)
    config["reference_date"] = timezone.localdate().isoformat()
    return build_problem(records, load_config(config))


def _rescore(problem: Any, proposal: Proposal) -> None:
    members = list(proposal.members.all())
    evaluation = score_group(problem, [str(m.person_id) for m in members])
    if any(PRIVATE_PREFERENCE in v for v in evaluation.violations):
        # Refused, so nothing of it is stored; the message names nobody.
        raise ApplicationError(PRIVATE_PREFERENCE_REFUSAL)
    proposal.score = round(evaluation.score, 4)
    proposal.min_pair_score = round(
        min((s for _, _, s in evaluation.pair_scores), default=evaluation.score), 4
    )
    proposal.explanation = list(evaluation.explanation) + [
        f"Warning: {v}" for v in evaluation.violations
    ]
    proposal.factors = [asdict(f) for f in evaluation.factors]
    proposal.edited = True
    proposal.save()
    for member in members:
        member.explanation = list(evaluation.per_member.get(str(member.person_id), []))
        member.save(update_fields=["explanation"])

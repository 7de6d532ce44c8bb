"""Closing summaries: what each member achieved and learned, and what happens next for them."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, FieldError
from tandem.programs.models import Enrolment, EnrolmentStatus, ProgramStatus
from tandem.relationships.models import (
    ClosingSummary,
    NextStep,
    Relationship,
    RelationshipStatus,
)
from tandem.relationships.services.common import membership_of
from tandem.relationships.services.lifecycle import relationship_close


@transaction.atomic
def closing_submit(
    *,
    actor: User,
    relationship: Relationship,
    achieved: str,
    learned: str,
    would_recommend_partner: bool,
    would_do_again: bool,
    next_step: str,
) -> ClosingSummary:
    membership = membership_of(actor, relationship)
    if relationship.status == RelationshipStatus.ACTIVE:
        relationship_close(actor=actor, relationship=relationship)
    elif relationship.status not in (RelationshipStatus.ENDED,):
        raise ApplicationError("Only a match that ran can be closed with a summary.")
    if not achieved.strip() or not learned.strip():
        raise ApplicationError(
            "Write a sentence or two for each question.",
            errors=[
                FieldError("Required.", field="achieved" if not achieved.strip() else "learned")
            ],
        )
    if next_step not in NextStep.values:
        raise ApplicationError("Choose what happens next.")
    summary, _ = ClosingSummary.objects.update_or_create(
        membership=membership,
        defaults={
            "achieved": achieved.strip(),
            "learned": learned.strip(),
            "would_recommend_partner": would_recommend_partner,
            "would_do_again": would_do_again,
            "next_step": next_step,
        },
    )
    program = relationship.program
    if next_step == NextStep.LEAVE:
        Enrolment.objects.filter(program=program, person=membership.person).update(
            status=EnrolmentStatus.WITHDRAWN, withdrawn_at=timezone.now()
        )
    elif next_step == NextStep.REMATCH and program.status == ProgramStatus.ACTIVE:
        Enrolment.objects.filter(program=program, person=membership.person).update(
            status=EnrolmentStatus.ACTIVE, withdrawn_at=None
        )
    log_action(
        "relationship.closing_written", actor=actor, target=relationship, data={"next": next_step}
    )
    return summary

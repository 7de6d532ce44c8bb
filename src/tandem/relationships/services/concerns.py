"""Confidential concerns: the coordinators are told one exists, never what it says, by email."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, FieldError, NotFound
from tandem.notify.outbox import enqueue
from tandem.programs.selectors import can_coordinate
from tandem.relationships import emails
from tandem.relationships.models import (
    Concern,
    Relationship,
)
from tandem.relationships.services.common import membership_of


@transaction.atomic
def concern_raise(*, actor: User, relationship: Relationship, kind: str, text: str) -> Concern:
    person = membership_of(actor, relationship).person
    if not text.strip():
        raise ApplicationError(
            "Tell the coordinators what happened.", errors=[FieldError("Required.", field="text")]
        )
    concern = Concern.objects.create(
        program=relationship.program,
        relationship=relationship,
        raised_by=person,
        kind=kind,
        text=text.strip(),
    )
    enqueue(
        [
            emails.concern_raised_email(concern=concern, coordinator=c)
            for c in relationship.program.coordinators.all()
        ]
    )
    log_action("relationship.concern_raised", actor=actor, target=relationship.program)
    return concern


@transaction.atomic
def concern_handled(*, actor: User, concern: Concern) -> Concern:
    if not can_coordinate(actor, concern.program):
        raise NotFound()
    concern.handled_at, concern.handled_by = timezone.now(), actor
    concern.save(update_fields=["handled_at", "handled_by"])
    log_action("relationship.concern_handled", actor=actor, target=concern.program)
    return concern

"""A participant withdraws the background attributes they shared: deleted at once."""

from __future__ import annotations

from django.db import transaction

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import NotFound
from tandem.programs.models import Enrolment, PrivateAnswer, QuestionKind
from tandem.programs.signals import background_withdrawn


@transaction.atomic
def background_withdraw(*, actor: User, enrolment: Enrolment) -> int:
    """Delete the person's background answers in this program (only their own). From now on
    they are in no run's input and no fairness view. Returns how many answers went."""
    if enrolment.person.user_id != actor.pk:
        raise NotFound()
    deleted, _ = PrivateAnswer.objects.filter(
        enrolment=enrolment, question__kind=QuestionKind.BACKGROUND
    ).delete()
    if deleted:
        log_action(
            "enrolment.background_withdrawn",
            actor=actor,
            target=enrolment,
            data={"program": enrolment.program_id},
        )
        background_withdrawn.send(sender=Enrolment, program=enrolment.program)
    return deleted

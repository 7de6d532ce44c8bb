"""People who left the organisation stop being enrolled anywhere (the ``people_left`` receiver)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone

from tandem.accounts.models import User
from tandem.audit.services import audit_entry, log_actions
from tandem.programs.models import Enrolment, EnrolmentStatus, PrivateAnswer


def withdraw_leavers(*, person_ids: Sequence[int], actor: User | None) -> int:
    """Withdraw every active enrolment of these people, inside the leaving's transaction.

    Their private answers (background, "please not" lists) go at once: they were given for
    matching, and a leaver is never matched again. Returns how many enrolments were withdrawn.
    """
    enrolments = list(
        Enrolment.objects.filter(person_id__in=person_ids, status=EnrolmentStatus.ACTIVE)
    )
    if not enrolments:
        return 0
    ids = [e.pk for e in enrolments]
    Enrolment.objects.filter(pk__in=ids).update(
        status=EnrolmentStatus.WITHDRAWN, withdrawn_at=timezone.now()
    )
    PrivateAnswer.objects.filter(enrolment_id__in=ids).delete()
    log_actions(
        audit_entry(
            "enrolment.withdrawn",
            actor=actor,
            target=e,
            data={"program": e.program_id, "reason": "left the organisation"},
        )
        for e in enrolments
    )
    return len(ids)

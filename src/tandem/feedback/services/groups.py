"""Closing a survey's responses: the last batch, and groups coarsened until each is shared by k.

While a survey is open, results move only in batches of at least ``k_scores`` responses
(``answers._release_batch``) and responses hold no groups in the clear. At close:

* the responses still waiting are released if they are at least ``k_scores`` — or if nothing was
  released before (then the results are a first snapshot, suppressed as usual). Fewer than k
  late answers after a released batch stay unreleased for good: showing them would let a reader
  compare the last snapshot of the open survey with the closed one and isolate them;
* the released responses' sealed groups are recoded together (``tandem.privacy.choose_recoding``)
  so that every combination stored in the clear is shared by at least ``k_scores`` responses;
  unreleased ones get no groups; every sealed copy is erased. The recoding is kept on the survey
  so the invited people's groups (filters, "no responses" cells) are coarsened the same way.
"""

from __future__ import annotations

from collections import defaultdict
from uuid import UUID

from tandem.feedback.models import Response, Survey
from tandem.feedback.sealing import unseal
from tandem.privacy import ABSENT, NOTHING, choose_recoding


def settle_at_close(survey: Survey) -> None:
    """Release the last batch (if it may be) and store the coarsened groups. Call inside the
    transaction that closes the survey."""
    responses = Response.objects.filter(survey=survey)
    waiting = responses.filter(released=False)
    count = waiting.count()
    if count and (count >= survey.k_scores or not responses.filter(released=True).exists()):
        waiting.update(released=True)
    recode(survey)


def recode(survey: Survey) -> None:
    """Coarsen the released responses' groups together; erase every sealed copy."""
    rows = list(
        Response.objects.filter(survey=survey).values_list("pk", "released", "sealed_groups")
    )
    released = [(pk, unseal(token)) for pk, is_released, token in rows if is_released]
    recoding = (
        choose_recoding([g for _, g in released], survey.k_scores) if survey.breakdowns else NOTHING
    )
    by_groups: dict[tuple[str, str, str], list[UUID]] = defaultdict(list)
    for pk, groups in released:
        by_groups[recoding.apply(groups)].append(pk)
    by_groups[ABSENT].extend(pk for pk, is_released, _ in rows if not is_released)
    for (department, band, role), pks in by_groups.items():
        Response.objects.filter(pk__in=pks).update(
            department=department, level_band=band, role=role, sealed_groups=""
        )
    survey.recoding = recoding.to_json()
    survey.save(update_fields=["recoding"])

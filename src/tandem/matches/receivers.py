"""How matching reacts to what lower apps announce (connected in ``apps.ready``)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from tandem.matches.models import MatchRun, RunStatus
from tandem.programs.models import Program, ProgramStatus
from tandem.programs.signals import StageCheck, background_withdrawn, program_stage_check
from tandem.relationships.models import Relationship


@receiver(program_stage_check, dispatch_uid="matches.starting_needs_matches")
def what_starting_needs(sender: Any, *, program: Program, to: str, **kwargs: Any) -> StageCheck:
    """A program starts with published matches, and never past a run nobody has looked at."""
    if to != ProgramStatus.ACTIVE:
        return StageCheck()
    blockers = []
    pending = MatchRun.objects.filter(
        program=program, status__in=(RunStatus.QUEUED, RunStatus.RUNNING)
    ).count()
    if pending:
        blockers.append("A match run is still being computed: wait for it, then review it.")
    for run in MatchRun.objects.filter(program=program, status=RunStatus.DONE).order_by("pk"):
        blockers.append(
            f"Match run {run.pk} is ready for review: publish it (which starts the program) "
            "or discard it first."
        )
    published = Relationship.objects.filter(program=program).count()
    if not published:
        blockers.append(
            "No matches have been published yet: run matching and publish the matches first."
        )
    noun = "match" if published == 1 else "matches"
    return StageCheck(
        consequences=(f"The program runs with its {published} published {noun}.",)
        if published
        else (),
        blockers=tuple(blockers),
    )


@receiver(background_withdrawn, dispatch_uid="matches.hide_background_after_withdrawal")
def hide_background_groups(sender: Any, *, program: Program, **kwargs: Any) -> None:
    """Someone took back a background answer: no run of the program shows background groups
    any more (the view before and after would tell what they had shared)."""
    for run in MatchRun.objects.filter(program=program).only("pk", "stats"):
        if not (run.stats or {}).get("background_withdrawn"):
            run.stats = {**(run.stats or {}), "background_withdrawn": True}
            run.save(update_fields=["stats"])

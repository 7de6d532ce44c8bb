"""Coffee-rotation standings: snoozes, who sits a round out, and who is first in line.

With an odd number of people one must sit out. The pool is made even *before* the engine runs by
choosing that person among those who were paired last time, so whoever sat out before (first in
line) is always in the round. The one who sits out is told why, and is first in line next round.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.matches.models import MatchRun, RotationStanding, UnmatchedPerson
from tandem.notify.actions import ActionResult, register_action
from tandem.notify.messages import Button
from tandem.people.models import Person
from tandem.programs.models import Enrolment, EnrolmentStatus, Program, ProgramKind
from tandem.relationships.models import Membership

SNOOZE = "rotation.snooze"
SIT_OUT_REASON = "there was an odd number of people, so one person sits this round out"


@dataclass(frozen=True)
class RoundPlan:
    snoozed: list[int] = field(default_factory=list)
    sitting_out: list[int] = field(default_factory=list)

    @property
    def excluded(self) -> set[int]:
        return {*self.snoozed, *self.sitting_out}


def plan_round(*, program: Program, person_ids: list[int], seed: int, today: date) -> RoundPlan:
    """Inside the round's transaction: take snoozed people out (counting down skipped rounds)
    and, if the rest is odd, choose who sits out — never someone first in line."""
    standings = {
        s.person_id: s
        for s in RotationStanding.objects.select_for_update().filter(
            program=program, person_id__in=person_ids
        )
    }
    snoozed = sorted(pid for pid, s in standings.items() if s.snoozed(today))
    RotationStanding.objects.filter(
        program=program, person_id__in=snoozed, skip_rounds__gt=0
    ).update(skip_rounds=F("skip_rounds") - 1, updated_at=timezone.now())
    playing = sorted(set(person_ids) - set(snoozed))
    if len(playing) % 2 == 0:
        return RoundPlan(snoozed=snoozed)
    waited = {pid for pid, s in standings.items() if s.first_in_line}
    candidates = [pid for pid in playing if pid not in waited] or playing
    out = random.Random(seed).choice(candidates)  # noqa: S311 - fairness, not security
    return RoundPlan(snoozed=snoozed, sitting_out=[out])


def record_round(run: MatchRun) -> None:
    """After a round is published: whoever was not paired is first in line next round;
    whoever was paired no longer is."""
    program = run.program
    unmatched = set(UnmatchedPerson.objects.filter(run=run).values_list("person_id", flat=True))
    paired = set(
        Membership.objects.filter(relationship__run=run).values_list("person_id", flat=True)
    )
    now = timezone.now()
    with transaction.atomic():
        for pid in unmatched:
            RotationStanding.objects.update_or_create(
                program=program, person_id=pid, defaults={"first_in_line": True, "updated_at": now}
            )
        RotationStanding.objects.filter(program=program, person_id__in=paired).update(
            first_in_line=False, updated_at=now
        )


def snooze_buttons(program: Program) -> tuple[Button, ...]:
    """Offered in a rotation's messages: skip the next round(s), or choose a date."""
    return (
        Button("Skip next round", SNOOZE, f"{program.pk}:1"),
        Button("Skip 4 rounds", SNOOZE, f"{program.pk}:4"),
        Button(
            "Pause until…",
            url=settings.SITE_URL + reverse("notify_prefs:preferences"),
        ),
    )


@transaction.atomic
def rotation_snooze(
    *, user: User, program_id: int, rounds: int = 0, until: date | None = None
) -> ActionResult:
    """Skip the next 1–4 rounds, or pause until a date (within a year)."""
    person = Person.objects.filter(user=user).first()
    program = Program.objects.filter(pk=program_id, kind=ProgramKind.COFFEE_ROTATION).first()
    if person is None or program is None:
        raise LookupError("not a rotation of this person")
    if not Enrolment.objects.filter(
        program=program, person=person, status=EnrolmentStatus.ACTIVE
    ).exists():
        return ActionResult("You are not taking part in this rotation any more.", ok=False)
    today = timezone.localdate()
    if until is not None and not today < until <= today + timedelta(days=366):
        return ActionResult("Choose a date in the coming year.", ok=False)
    if until is None and not 1 <= rounds <= 4:
        return ActionResult("You can skip between 1 and 4 rounds.", ok=False)
    RotationStanding.objects.update_or_create(
        program=program,
        person=person,
        defaults={"skip_rounds": rounds, "paused_until": until, "updated_at": timezone.now()},
    )
    if until is not None:
        return ActionResult(f"Paused: no rounds of {program.name} for you until {until:%d %B}.")
    plural = "s" if rounds > 1 else ""
    return ActionResult(f"Done: you sit out the next {rounds} round{plural} of {program.name}.")


def snooze_action(user: User, value: str) -> ActionResult:
    program_id, _, rest = value.partition(":")
    if not program_id.isdigit():
        raise ValueError(f"not a rotation: {value!r}")
    if rest.startswith("until:"):
        until = date.fromisoformat(rest.removeprefix("until:"))
        return rotation_snooze(user=user, program_id=int(program_id), until=until)
    if not rest.isdigit():
        raise ValueError(f"not a number of rounds: {value!r}")
    return rotation_snooze(user=user, program_id=int(program_id), rounds=int(rest))


def register_actions() -> None:
    register_action(SNOOZE, snooze_action)


__all__ = ["RoundPlan", "plan_round", "record_round", "register_actions"]

"""SMART goals with milestones and a history of progress; only their owner changes them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, FieldError, NotFound
from tandem.people.models import Skill
from tandem.relationships.models import (
    Goal,
    GoalStatus,
    GoalUpdate,
    Milestone,
    Relationship,
)
from tandem.relationships.services.common import membership_of, require_active
from tandem.relationships.services.health import refresh_health


@transaction.atomic
def goal_create(
    *,
    actor: User,
    relationship: Relationship,
    title: str,
    metric: str,
    target: str,
    target_date: date,
    why: str = "",
    skill: Skill | None = None,
    milestones: Sequence[str] = (),
) -> Goal:
    person = membership_of(actor, relationship).person
    require_active(relationship)
    errors = []
    if not title.strip():
        errors.append(FieldError("Say specifically what you want to achieve.", field="title"))
    if not metric.strip() or not target.strip():
        errors.append(
            FieldError("How will you measure it, and what is the target?", field="metric")
        )
    if target_date <= timezone.localdate():
        errors.append(FieldError("Choose a date in the future.", field="target_date"))
    if errors:
        raise ApplicationError("A SMART goal needs all of these.", errors=errors)
    goal = Goal.objects.create(
        relationship=relationship,
        owner=person,
        title=title.strip()[:200],
        metric=metric.strip()[:200],
        target=target.strip()[:100],
        target_date=target_date,
        why=why.strip(),
        skill=skill,
    )
    Milestone.objects.bulk_create(
        [Milestone(goal=goal, title=m.strip()[:200]) for m in milestones if m.strip()]
    )
    refresh_health(relationship)
    log_action("relationship.goal_created", actor=actor, target=relationship)
    return goal


def _own_goal(actor: User, goal: Goal) -> None:
    if goal.owner.user_id != actor.pk:
        raise NotFound()


@transaction.atomic
def goal_progress(*, actor: User, goal: Goal, progress: int, note: str = "") -> Goal:
    _own_goal(actor, goal)
    if goal.status != GoalStatus.ACTIVE:
        raise ApplicationError("This goal is closed; reopen it by creating a new one.")
    if not 0 <= progress <= 100:
        raise ApplicationError(
            "Progress is a percentage from 0 to 100.",
            errors=[FieldError("0 to 100.", field="progress")],
        )
    GoalUpdate.objects.create(goal=goal, progress=progress, note=note.strip())
    goal.progress = progress
    goal.nudged_at = None
    goal.save(update_fields=["progress", "nudged_at"])
    return goal


@transaction.atomic
def goal_close(*, actor: User, goal: Goal, status: str) -> Goal:
    _own_goal(actor, goal)
    if status not in (GoalStatus.DONE, GoalStatus.DROPPED):
        raise ApplicationError("A goal is either done or dropped.")
    goal.status = status
    goal.closed_at = timezone.now()
    if status == GoalStatus.DONE:
        goal.progress = 100
    goal.save(update_fields=["status", "closed_at", "progress"])
    GoalUpdate.objects.create(
        goal=goal, progress=goal.progress, note=f"Marked {goal.get_status_display().lower()}"
    )
    return goal


@transaction.atomic
def milestone_toggle(*, actor: User, milestone: Milestone) -> Milestone:
    _own_goal(actor, milestone.goal)
    milestone.done_at = None if milestone.done_at else timezone.now()
    milestone.save(update_fields=["done_at"])
    return milestone

"""Goals: a new goal, the goal page, and one POST URL per change its owner makes (progress,
done, drop, a milestone ticked or unticked)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.accounts.http import AuthenticatedHttpRequest
from tandem.core.errors import ApplicationError
from tandem.relationships import selectors
from tandem.relationships.forms import GoalForm, ProgressForm
from tandem.relationships.models import Goal, GoalStatus
from tandem.relationships.services.goals import (
    goal_close,
    goal_create,
    goal_progress,
    milestone_toggle,
)
from tandem.ui.refusals import add_to_form


@login_required
@require_http_methods(["GET", "POST"])
def goal_new_view(request: AuthenticatedHttpRequest, relationship_id: int) -> HttpResponse:
    user = request.user
    relationship, _membership = selectors.access_relationship(
        user=user, relationship_id=relationship_id
    )
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            goal_create(
                actor=user,
                relationship=relationship,
                title=form.cleaned_data["title"],
                metric=form.cleaned_data["metric"],
                target=form.cleaned_data["target"],
                target_date=form.cleaned_data["target_date"],
                why=form.cleaned_data["why"],
                skill=form.cleaned_data["skill"],
                milestones=form.cleaned_data["milestones"].splitlines(),
            )
        except ApplicationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "Goal added. Bring it to your next meeting.")
            return redirect("relationships:detail", relationship_id=relationship.pk)
    return render(
        request,
        "relationships/goal_new.html",
        {
            "relationship": relationship,
            "program": relationship.program,
            "form": form,
            "section": "matches",
        },
    )


def _goal_page(
    request: AuthenticatedHttpRequest, goal: Goal, *, mine: bool, form: ProgressForm | None = None
) -> HttpResponse:
    return render(
        request,
        "relationships/goal.html",
        {
            "goal": goal,
            "relationship": goal.relationship,
            "program": goal.relationship.program,
            "form": form or ProgressForm(initial={"progress": goal.progress}),
            "mine": mine,
            "updates": selectors.goal_updates(goal),
            "section": "matches",
        },
    )


def _to_goal(goal: Goal) -> HttpResponse:
    return redirect("relationships:goal", relationship_id=goal.relationship_id, goal_id=goal.pk)


@login_required
@require_GET
def goal_view(
    request: AuthenticatedHttpRequest, relationship_id: int, goal_id: int
) -> HttpResponse:
    """A goal: everyone in the match reads it; only its owner gets the forms to change it."""
    goal, membership = selectors.access_goal(
        user=request.user, relationship_id=relationship_id, goal_id=goal_id
    )
    return _goal_page(request, goal, mine=goal.owner_id == membership.person_id)


def _own_goal(request: AuthenticatedHttpRequest, relationship_id: int, goal_id: int) -> Goal:
    return selectors.access_own_goal(
        user=request.user, relationship_id=relationship_id, goal_id=goal_id
    )


@login_required
@require_POST
def goal_progress_view(
    request: AuthenticatedHttpRequest, relationship_id: int, goal_id: int
) -> HttpResponse:
    goal = _own_goal(request, relationship_id, goal_id)
    form = ProgressForm(request.POST, initial={"progress": goal.progress})
    if form.is_valid():
        try:
            goal_progress(
                actor=request.user,
                goal=goal,
                progress=form.cleaned_data["progress"],
                note=form.cleaned_data["note"],
            )
        except ApplicationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "Progress saved.")
            return _to_goal(goal)
    return _goal_page(request, goal, mine=True, form=form)


def _close(
    request: AuthenticatedHttpRequest, relationship_id: int, goal_id: int, status: GoalStatus
) -> HttpResponse:
    goal = _own_goal(request, relationship_id, goal_id)
    try:
        goal_close(actor=request.user, goal=goal, status=status)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Goal marked {status.value}.")
    return _to_goal(goal)


@login_required
@require_POST
def goal_done_view(
    request: AuthenticatedHttpRequest, relationship_id: int, goal_id: int
) -> HttpResponse:
    return _close(request, relationship_id, goal_id, GoalStatus.DONE)


@login_required
@require_POST
def goal_drop_view(
    request: AuthenticatedHttpRequest, relationship_id: int, goal_id: int
) -> HttpResponse:
    return _close(request, relationship_id, goal_id, GoalStatus.DROPPED)


@login_required
@require_POST
def milestone_toggle_view(
    request: AuthenticatedHttpRequest, relationship_id: int, goal_id: int, milestone_id: int
) -> HttpResponse:
    goal = _own_goal(request, relationship_id, goal_id)
    milestone = selectors.access_milestone(goal=goal, milestone_id=milestone_id)
    try:
        milestone_toggle(actor=request.user, milestone=milestone)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return _to_goal(goal)

"""A run's review screen and one POST URL per review action: runs/<id>/publish/, discard/,
rerun/, swap/, lock/, forbid/."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tandem.accounts.http import AuthenticatedHttpRequest
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError
from tandem.matches import selectors
from tandem.matches.models import MatchRun, PairRuleKind, RunStatus
from tandem.matches.services.pair_rules import pair_rule_set
from tandem.matches.services.publish import run_publish
from tandem.matches.services.review import proposal_swap
from tandem.matches.services.runs import run_create, run_discard
from tandem.matches.views.common import number
from tandem.people.models import Person
from tandem.ui.refusals import show_refusal


@login_required
def run_view(request: AuthenticatedHttpRequest, run_id: int) -> HttpResponse:
    user = request.user
    run = selectors.access_run(user=user, run_id=run_id)
    if request.htmx and run.status in (RunStatus.QUEUED, RunStatus.RUNNING):
        return render(request, "matches/_progress.html", {"run": run})
    sort = request.GET.get("sort", "score")
    department = request.GET.get("department", "")
    log_action(
        "matching.run_viewed", actor=user, target=run.program, request=request, data={"run": run.pk}
    )
    return render(
        request,
        "matches/run.html",
        {
            "run": run,
            "program": run.program,
            "proposals": selectors.proposals(run, sort=sort, department=department),
            "metrics": selectors.metrics(run),
            "histogram": selectors.histogram(run),
            "unmatched": selectors.unmatched(run),
            "waiting_training": selectors.waiting_on_training(run.program),
            "sort": sort,
            "department": department,
            "departments": selectors.proposal_departments(run),
            "people": selectors.enrolled_names(run.program),
            "section": "programs",
        },
    )


@login_required
def fairness_view(request: AuthenticatedHttpRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    log_action(
        "matching.fairness_viewed",
        actor=request.user,
        target=run.program,
        request=request,
        data={"run": run.pk},
    )
    return render(
        request,
        "matches/fairness.html",
        {
            "run": run,
            "program": run.program,
            "tables": selectors.fairness(run),
            "k": selectors.K_BACKGROUND,
            "section": "programs",
        },
    )


# --- one URL per review action: runs/<id>/publish/, discard/, rerun/, swap/, lock/, forbid/ -----


def _run(request: AuthenticatedHttpRequest, run_id: int) -> MatchRun:
    return selectors.access_run(user=request.user, run_id=run_id)


def _pair(request: AuthenticatedHttpRequest) -> tuple[Person, Person]:
    return selectors.pair(number(request.POST.get("first")), number(request.POST.get("second")))


def _back_to(run: MatchRun) -> HttpResponse:
    return redirect("matches:run", run_id=run.pk)


@login_required
@require_POST
def run_publish_view(request: AuthenticatedHttpRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    try:
        relationships = run_publish(actor=request.user, run=run)
    except ApplicationError as exc:
        show_refusal(request, exc)
        return _back_to(run)
    messages.success(request, f"Published {len(relationships)} matches; everyone has been told.")
    return redirect("matches:program", program_id=run.program_id)


@login_required
@require_POST
def run_discard_view(request: AuthenticatedHttpRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    try:
        run_discard(actor=request.user, run=run)
    except ApplicationError as exc:
        show_refusal(request, exc)
        return _back_to(run)
    return redirect("matches:program", program_id=run.program_id)


@login_required
@require_POST
def run_rerun_view(request: AuthenticatedHttpRequest, run_id: int) -> HttpResponse:
    """The same criteria again with the locks and forbids added since, and the next seed."""
    run = _run(request, run_id)
    try:
        new = run_create(
            actor=request.user,
            program=run.program,
            criteria=run.criteria,
            purpose=run.purpose,
            label="re-run with locks",
            seed=run.seed + 1,
        )
    except ApplicationError as exc:
        show_refusal(request, exc)
        return _back_to(run)
    return _back_to(new)


@login_required
@require_POST
def run_swap_view(request: AuthenticatedHttpRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    first, second = _pair(request)
    try:
        proposal_swap(actor=request.user, run=run, first=first, second=second)
    except ApplicationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(
            request, f"Swapped {first.name} and {second.name}; both matches were rescored."
        )
    return _back_to(run)


def _pair_rule(request: AuthenticatedHttpRequest, run_id: int, kind: PairRuleKind) -> HttpResponse:
    run = _run(request, run_id)
    first, second = _pair(request)
    try:
        pair_rule_set(
            actor=request.user, program=run.program, first=first, second=second, kind=kind
        )
    except ApplicationError as exc:
        show_refusal(request, exc)
    else:
        verb = "always be matched" if kind == PairRuleKind.LOCK else "never be matched"
        messages.success(
            request, f"{first.name} and {second.name} will {verb}. Re-run to apply it."
        )
    return _back_to(run)


@login_required
@require_POST
def run_lock_view(request: AuthenticatedHttpRequest, run_id: int) -> HttpResponse:
    return _pair_rule(request, run_id, PairRuleKind.LOCK)


@login_required
@require_POST
def run_forbid_view(request: AuthenticatedHttpRequest, run_id: int) -> HttpResponse:
    return _pair_rule(request, run_id, PairRuleKind.FORBID)

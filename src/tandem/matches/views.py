"""Matching screens: coordinators run, review, adjust and publish; participants answer.

Each action is its own POST URL (``runs/<id>/publish/``, ``m/<id>/accept/``…); the views parse
the request, call one service and answer with a redirect and a message, or the page again with
the form's errors.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tandem.accounts.http import AuthenticatedHttpRequest
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError
from tandem.matches import selectors
from tandem.matches.forms import CriteriaForm, DeclineForm, EndRelationshipForm, RepairForm
from tandem.matches.models import MatchRun, PairRuleKind, RunPurpose, RunStatus
from tandem.matches.services.criteria import criteria_save
from tandem.matches.services.pair_rules import pair_rule_remove, pair_rule_set
from tandem.matches.services.publish import run_publish
from tandem.matches.services.review import proposal_swap
from tandem.matches.services.runs import run_create, run_discard
from tandem.people.models import Person
from tandem.programs.selectors import access_program_as_coordinator
from tandem.relationships.models import LIVE_STATUSES, Membership
from tandem.relationships.services.answers import (
    membership_accept,
    membership_decline,
    repair_request,
)
from tandem.relationships.services.lifecycle import relationship_end


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


def _fail(request: AuthenticatedHttpRequest, exc: ApplicationError) -> None:
    details = " ".join(e.message for e in exc.errors)
    messages.error(request, f"{exc.message} {details}".strip())


@login_required
def program_matching_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    user = request.user
    program = access_program_as_coordinator(user=user, program_id=program_id)
    relationships = list(selectors.program_relationships(program))
    log_action("matching.overview_viewed", actor=user, target=program, request=request)
    return render(
        request,
        "matches/program.html",
        {
            "program": program,
            "criteria": selectors.latest_criteria(program),
            "runs": selectors.runs(program)[:20],
            "pool": selectors.pool(program),
            "relationships": relationships,
            "live": [r for r in relationships if r.status in LIVE_STATUSES],
            "repairs": selectors.open_repair_requests(program),
            "rules": selectors.pair_rules(program),
            "people": selectors.enrolled_people(program),
            "section": "programs",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def criteria_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    user = request.user
    program = access_program_as_coordinator(user=user, program_id=program_id)
    current = selectors.latest_criteria(program)
    form = CriteriaForm(program, current.config, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = criteria_save(
                actor=user, program=program, config=form.config(), note=form.cleaned_data["note"]
            )
        except ApplicationError as exc:
            for error in exc.errors:
                form.add_error(None, error.message)
        else:
            messages.success(request, f"Criteria saved as version {version.number}.")
            return redirect("matches:program", program_id=program.pk)
    return render(
        request,
        "matches/criteria.html",
        {
            "program": program,
            "form": form,
            "current": current,
            "versions": selectors.criteria_versions(program)[:10],
            "section": "programs",
        },
    )


@login_required
@require_POST
def run_create_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    user = request.user
    program = access_program_as_coordinator(user=user, program_id=program_id)
    version_id = _int(request.POST.get("criteria"))
    try:
        seed = int(request.POST.get("seed") or 0)
    except ValueError:
        messages.error(request, "Invalid seed.")
        return redirect("matches:program", program_id=program.pk)
    try:
        run = run_create(
            actor=user,
            program=program,
            criteria=selectors.criteria_version(program, version_id) if version_id else None,
            purpose=RunPurpose.REMATCH
            if request.POST.get("purpose") == "rematch"
            else RunPurpose.MATCH,
            label=request.POST.get("label", ""),
            seed=seed,
        )
    except ApplicationError as exc:
        _fail(request, exc)
        return redirect("matches:program", program_id=program.pk)
    return redirect("matches:run", run_id=run.pk)


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
            "sort": sort,
            "department": department,
            "departments": selectors.proposal_departments(run),
            "people": selectors.enrolled_people(run.program),
            "section": "programs",
        },
    )


# --- one URL per review action: runs/<id>/publish/, discard/, rerun/, swap/, lock/, forbid/ -----


def _run(request: AuthenticatedHttpRequest, run_id: int) -> MatchRun:
    return selectors.access_run(user=request.user, run_id=run_id)


def _pair(request: AuthenticatedHttpRequest) -> tuple[Person, Person]:
    return selectors.pair(_int(request.POST.get("first")), _int(request.POST.get("second")))


def _back_to(run: MatchRun) -> HttpResponse:
    return redirect("matches:run", run_id=run.pk)


@login_required
@require_POST
def run_publish_view(request: AuthenticatedHttpRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    try:
        relationships = run_publish(actor=request.user, run=run)
    except ApplicationError as exc:
        _fail(request, exc)
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
        _fail(request, exc)
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
        _fail(request, exc)
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
        _fail(request, exc)
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
        _fail(request, exc)
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


@login_required
@require_POST
def rule_remove_view(
    request: AuthenticatedHttpRequest, program_id: int, rule_id: int
) -> HttpResponse:
    user = request.user
    program = access_program_as_coordinator(user=user, program_id=program_id)
    try:
        pair_rule_remove(actor=user, program=program, rule_id=rule_id)
    except ApplicationError as exc:
        _fail(request, exc)
    return redirect("matches:program", program_id=program.pk)


@login_required
def compare_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access_program_as_coordinator(user=request.user, program_id=program_id)
    chosen = [selectors.finished_run(program, _int(request.GET.get(k))) for k in ("a", "b")]
    return render(
        request,
        "matches/compare.html",
        {
            "program": program,
            "runs": selectors.finished_runs(program),
            "columns": [(run, selectors.metrics(run)) for run in chosen if run is not None],
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


@login_required
@require_http_methods(["GET", "POST"])
def relationship_end_view(
    request: AuthenticatedHttpRequest, program_id: int, relationship_id: int
) -> HttpResponse:
    user = request.user
    program = access_program_as_coordinator(user=user, program_id=program_id)
    relationship = selectors.program_relationship(program, relationship_id)
    form = EndRelationshipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            relationship_end(
                actor=user,
                relationship=relationship,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ApplicationError as exc:
            _fail(request, exc)
        else:
            messages.success(
                request, "The match has ended; both people are back in the re-match pool."
            )
        return redirect("matches:program", program_id=program.pk)
    return render(
        request,
        "matches/end.html",
        {
            "program": program,
            "relationship": relationship,
            "form": form,
            "requests": selectors.repair_requests(relationship),
            "section": "programs",
        },
    )


# --- participants: m/<id>/ and its answers m/<id>/accept/, decline/, repair/ -------------------


@login_required
def my_matches_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "matches/mine.html",
        {"memberships": selectors.memberships_of(request.user), "section": "matches"},
    )


def _membership(request: AuthenticatedHttpRequest, membership_id: int) -> Membership:
    return selectors.access_membership(user=request.user, membership_id=membership_id)


def _my_match_page(
    request: AuthenticatedHttpRequest,
    membership: Membership,
    *,
    decline_form: DeclineForm | None = None,
    repair_form: RepairForm | None = None,
) -> HttpResponse:
    relationship = membership.relationship
    return render(
        request,
        "matches/my_match.html",
        {
            "membership": membership,
            "relationship": relationship,
            "program": relationship.program,
            "partners": selectors.partners(membership),
            "decline_form": decline_form or DeclineForm(),
            "repair_form": repair_form or RepairForm(),
            "section": "matches",
            "pending_request": selectors.has_open_repair_request(membership),
        },
    )


def _back_to_match(membership: Membership) -> HttpResponse:
    return redirect("matches:my_match", membership_id=membership.pk)


@login_required
def my_match_view(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    """The page linked from the "you have a match" email: who, why, and the answer buttons."""
    return _my_match_page(request, _membership(request, membership_id))


@login_required
@require_POST
def my_match_accept_view(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    membership = _membership(request, membership_id)
    try:
        membership_accept(actor=request.user, membership=membership)
    except ApplicationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, "You accepted. We will let you know when everyone has.")
    return _back_to_match(membership)


@login_required
@require_POST
def my_match_decline_view(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    membership = _membership(request, membership_id)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _my_match_page(request, membership, decline_form=form)
    try:
        membership_decline(
            actor=request.user, membership=membership, reason=form.cleaned_data["reason"]
        )
    except ApplicationError as exc:
        _fail(request, exc)
    else:
        messages.info(request, "You declined. You are back in the pool for the next match.")
    return _back_to_match(membership)


@login_required
@require_POST
def my_match_repair_view(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    membership = _membership(request, membership_id)
    form = RepairForm(request.POST)
    if not form.is_valid():
        return _my_match_page(request, membership, repair_form=form)
    try:
        repair_request(
            actor=request.user,
            relationship=membership.relationship,
            reason=form.cleaned_data["reason"],
        )
    except ApplicationError as exc:
        _fail(request, exc)
    else:
        messages.info(request, "Your request went to the coordinators, confidentially.")
    return _back_to_match(membership)

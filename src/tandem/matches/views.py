from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError
from tandem.matches import selectors
from tandem.matches.forms import CriteriaForm, DeclineForm, EndRelationshipForm, RepairForm
from tandem.matches.models import PairRule, PairRuleKind, RunPurpose, RunStatus
from tandem.matches.selectors import pool
from tandem.matches.services.criteria import criteria_save
from tandem.matches.services.pair_rules import pair_rule_remove, pair_rule_set
from tandem.matches.services.publish import run_publish
from tandem.matches.services.review import proposal_swap
from tandem.matches.services.runs import run_create, run_discard
from tandem.people.models import Person
from tandem.programs.selectors import access_program_as_coordinator
from tandem.relationships.models import LIVE_STATUSES, Relationship
from tandem.relationships.services.answers import (
    membership_accept,
    membership_decline,
    repair_request,
)
from tandem.relationships.services.lifecycle import relationship_end


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


def _fail(request: HttpRequest, exc: ApplicationError) -> None:
    details = " ".join(e.message for e in exc.errors)
    messages.error(request, f"{exc.message} {details}".strip())


@login_required
def program_matching_view(request: HttpRequest, program_id: int) -> HttpResponse:
    user = _user(request)
    program = access_program_as_coordinator(user=user, program_id=program_id)
    criteria = selectors.latest_criteria(program)
    relationships = list(selectors.program_relationships(program))
    log_action("matching.overview_viewed", actor=user, target=program, request=request)
    return render(
        request,
        "matches/program.html",
        {
            "program": program,
            "criteria": criteria,
            "runs": selectors.runs(program)[:20],
            "pool": pool(program),
            "relationships": relationships,
            "live": [r for r in relationships if r.status in LIVE_STATUSES],
            "repairs": selectors.open_repair_requests(program),
            "rules": PairRule.objects.filter(program=program).select_related(
                "first__user", "second__user"
            ),
            "people": selectors.enrolled_people(program),
            "section": "programs",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def criteria_view(request: HttpRequest, program_id: int) -> HttpResponse:
    user = _user(request)
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
            "versions": program.criteria_versions.select_related("created_by")[:10],
            "section": "programs",
        },
    )


@login_required
@require_POST
def run_create_view(request: HttpRequest, program_id: int) -> HttpResponse:
    user = _user(request)
    program = access_program_as_coordinator(user=user, program_id=program_id)
    version_id = request.POST.get("criteria")
    criteria = program.criteria_versions.filter(pk=version_id).first() if version_id else None
    purpose = RunPurpose.REMATCH if request.POST.get("purpose") == "rematch" else RunPurpose.MATCH
    try:
        run = run_create(
            actor=user,
            program=program,
            criteria=criteria,
            purpose=purpose,
            label=request.POST.get("label", ""),
            seed=int(request.POST.get("seed") or 0),
        )
    except (ApplicationError, ValueError) as exc:
        _fail(
            request, exc if isinstance(exc, ApplicationError) else ApplicationError("Invalid seed.")
        )
        return redirect("matches:program", program_id=program.pk)
    return redirect("matches:run", run_id=run.pk)


@login_required
def run_view(request: HttpRequest, run_id: int) -> HttpResponse:
    user = _user(request)
    run = selectors.access_run(user=user, run_id=run_id)
    if request.htmx and run.status in (RunStatus.QUEUED, RunStatus.RUNNING):  # type: ignore[attr-defined]
        return render(request, "matches/_progress.html", {"run": run})
    sort = request.GET.get("sort", "score")
    department = request.GET.get("department", "")
    proposals = selectors.proposals(run, sort=sort, department=department)
    departments = sorted(
        {
            m.person.department.name
            for p in selectors.proposals(run)
            for m in p.members.all()
            if m.person.department
        }
    )
    log_action(
        "matching.run_viewed", actor=user, target=run.program, request=request, data={"run": run.pk}
    )
    return render(
        request,
        "matches/run.html",
        {
            "run": run,
            "program": run.program,
            "proposals": proposals,
            "metrics": selectors.metrics(run),
            "histogram": selectors.histogram(run),
            "unmatched": selectors.unmatched(run),
            "sort": sort,
            "department": department,
            "departments": departments,
            "people": selectors.enrolled_people(run.program),
            "section": "programs",
            "others": run.program.runs.filter(
                status__in=[RunStatus.DONE, RunStatus.PUBLISHED]
            ).exclude(pk=run.pk),
        },
    )


@login_required
@require_POST
def run_action_view(request: HttpRequest, run_id: int) -> HttpResponse:
    user = _user(request)
    run = selectors.access_run(user=user, run_id=run_id)
    action = request.POST.get("action")
    try:
        if action == "publish":
            relationships = run_publish(actor=user, run=run)
            messages.success(
                request, f"Published {len(relationships)} matches; everyone has been told."
            )
            return redirect("matches:program", program_id=run.program_id)
        if action == "discard":
            run_discard(actor=user, run=run)
            return redirect("matches:program", program_id=run.program_id)
        if action == "rerun":
            new = run_create(
                actor=user,
                program=run.program,
                criteria=run.criteria,
                purpose=run.purpose,
                label="re-run with locks",
                seed=run.seed + 1,
            )
            return redirect("matches:run", run_id=new.pk)
        if action == "swap":
            first = get_object_or_404(Person, pk=_int(request.POST.get("first")))
            second = get_object_or_404(Person, pk=_int(request.POST.get("second")))
            proposal_swap(actor=user, run=run, first=first, second=second)
            messages.success(
                request, f"Swapped {first.name} and {second.name}; both matches were rescored."
            )
        if action in (PairRuleKind.LOCK, PairRuleKind.FORBID):
            first = get_object_or_404(Person, pk=_int(request.POST.get("first")))
            second = get_object_or_404(Person, pk=_int(request.POST.get("second")))
            pair_rule_set(actor=user, program=run.program, first=first, second=second, kind=action)
            verb = "always be matched" if action == PairRuleKind.LOCK else "never be matched"
            messages.success(
                request, f"{first.name} and {second.name} will {verb}. Re-run to apply it."
            )
    except ApplicationError as exc:
        _fail(request, exc)
    return redirect("matches:run", run_id=run.pk)


@login_required
@require_POST
def rule_remove_view(request: HttpRequest, program_id: int, rule_id: int) -> HttpResponse:
    user = _user(request)
    program = access_program_as_coordinator(user=user, program_id=program_id)
    try:
        pair_rule_remove(actor=user, program=program, rule_id=rule_id)
    except ApplicationError as exc:
        _fail(request, exc)
    return redirect("matches:program", program_id=program.pk)


@login_required
def compare_view(request: HttpRequest, program_id: int) -> HttpResponse:
    user = _user(request)
    program = access_program_as_coordinator(user=user, program_id=program_id)
    candidates = program.runs.filter(status__in=[RunStatus.DONE, RunStatus.PUBLISHED])
    chosen = [candidates.filter(pk=_int(request.GET.get(k))).first() for k in ("a", "b")]
    columns = [(run, selectors.metrics(run)) for run in chosen if run is not None]
    return render(
        request,
        "matches/compare.html",
        {
            "program": program,
            "runs": candidates.select_related("criteria"),
            "columns": columns,
            "section": "programs",
        },
    )


@login_required
def fairness_view(request: HttpRequest, run_id: int) -> HttpResponse:
    user = _user(request)
    run = selectors.access_run(user=user, run_id=run_id)
    log_action(
        "matching.fairness_viewed",
        actor=user,
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
    request: HttpRequest, program_id: int, relationship_id: int
) -> HttpResponse:
    user = _user(request)
    program = access_program_as_coordinator(user=user, program_id=program_id)
    relationship = get_object_or_404(Relationship, pk=relationship_id, program=program)
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
            "requests": relationship.repair_requests.select_related("requested_by__user"),
            "section": "programs",
        },
    )


# --- participants ------------------------------------------------------------------------------


@login_required
def my_matches_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "matches/mine.html",
        {
            "memberships": selectors.memberships_of(_user(request)),
            "section": "matches",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_match_view(request: HttpRequest, membership_id: int) -> HttpResponse:
    user = _user(request)
    membership = selectors.access_membership(user=user, membership_id=membership_id)
    relationship = membership.relationship
    decline_form = DeclineForm(request.POST if request.POST.get("action") == "decline" else None)
    repair_form = RepairForm(request.POST if request.POST.get("action") == "repair" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "accept":
                membership_accept(actor=user, membership=membership)
                messages.success(request, "You accepted. We will let you know when everyone has.")
            elif action == "decline" and decline_form.is_valid():
                membership_decline(
                    actor=user,
                    membership=membership,
                    reason=decline_form.cleaned_data["reason"],
                )
                messages.info(request, "You declined. You are back in the pool for the next match.")
            elif action == "repair" and repair_form.is_valid():
                repair_request(
                    actor=user, relationship=relationship, reason=repair_form.cleaned_data["reason"]
                )
                messages.info(request, "Your request went to the coordinators, confidentially.")
        except ApplicationError as exc:
            _fail(request, exc)
        return redirect("matches:my_match", membership_id=membership.pk)
    membership.refresh_from_db()
    return render(
        request,
        "matches/my_match.html",
        {
            "membership": membership,
            "relationship": relationship,
            "program": relationship.program,
            "partners": selectors.partners(membership),
            "decline_form": decline_form,
            "repair_form": repair_form,
            "section": "matches",
            "pending_request": relationship.repair_requests.filter(
                requested_by=membership.person, handled_at__isnull=True
            ).exists(),
        },
    )

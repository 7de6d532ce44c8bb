"""A coordinator's matching overview, criteria, starting and comparing runs, pair rules and
ending a match."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tandem.accounts.http import AuthenticatedHttpRequest
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError
from tandem.core.words import plural
from tandem.matches import selectors
from tandem.matches.forms import CriteriaForm, EndRelationshipForm, PairsFileForm
from tandem.matches.models import RunPurpose
from tandem.matches.services.criteria import criteria_save
from tandem.matches.services.imported import run_import_pairs
from tandem.matches.services.pair_rules import pair_rule_remove
from tandem.matches.services.runs import run_create
from tandem.matches.views.common import number
from tandem.people.services import read_upload
from tandem.programs.selectors import access_program_as_coordinator
from tandem.relationships.models import LIVE_STATUSES
from tandem.relationships.services.lifecycle import relationship_end
from tandem.ui.refusals import show_refusal


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
            "waiting_training": selectors.waiting_on_training(program),
            "relationships": relationships,
            "live": [r for r in relationships if r.status in LIVE_STATUSES],
            "repairs": selectors.open_repair_requests(request.user, program),
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
    version_id = number(request.POST.get("criteria"))
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
        show_refusal(request, exc)
        return redirect("matches:program", program_id=program.pk)
    return redirect("matches:run", run_id=run.pk)


@login_required
@require_http_methods(["GET", "POST"])
def run_import_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    """Matches made elsewhere (``tandem match``, a spreadsheet) loaded as a run to review."""
    user = request.user
    program = access_program_as_coordinator(user=user, program_id=program_id)
    form = PairsFileForm(request.POST or None, request.FILES or None)
    refused: ApplicationError | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            run = run_import_pairs(
                actor=user,
                program=program,
                file_name=upload.name or "matches.csv",
                data=read_upload(upload, size=upload.size or 0),
            )
        except ApplicationError as exc:
            refused = exc
        else:
            messages.success(
                request,
                f"{plural(run.stats['groups'], 'group')} loaded. Review them, swap people if "
                "you need to, then publish.",
            )
            return redirect("matches:run", run_id=run.pk)
    return render(
        request,
        "matches/run_import.html",
        {"program": program, "form": form, "refused": refused, "section": "programs"},
    )


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
        show_refusal(request, exc)
    return redirect("matches:program", program_id=program.pk)


@login_required
def compare_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access_program_as_coordinator(user=request.user, program_id=program_id)
    chosen = [selectors.finished_run(program, number(request.GET.get(k))) for k in ("a", "b")]
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
            show_refusal(request, exc)
        else:
            messages.success(
                request, "The match has ended; both people are back in the re-match pool."
            )
        return redirect("matches:program", program_id=program.pk)
    log_action("matching.end_page_viewed", actor=user, target=relationship, request=request)
    return render(
        request,
        "matches/end.html",
        {
            "program": program,
            "relationship": relationship,
            "form": form,
            "requests": selectors.repair_requests(user, relationship),
            "section": "programs",
        },
    )

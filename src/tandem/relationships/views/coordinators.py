"""What coordinators see of relationships: health as status and counts, and raised concerns."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from tandem.accounts.http import AuthenticatedHttpRequest
from tandem.audit.services import log_action
from tandem.programs.selectors import access_program_as_coordinator
from tandem.relationships import selectors
from tandem.relationships.services.concerns import concern_handled
from tandem.relationships.views.common import page_number

PER_PAGE = 100


@login_required
@require_GET
def program_health_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    user = request.user
    program = access_program_as_coordinator(user=user, program_id=program_id)
    counts = selectors.health_counts(program)
    pages = max(1, -(-sum(counts.values()) // PER_PAGE))
    page = page_number(request.GET.get("page"), pages)
    rows = selectors.program_health(
        user=user, program=program, limit=PER_PAGE, offset=(page - 1) * PER_PAGE
    )
    log_action("relationship.health_viewed", actor=user, target=program, request=request)
    return render(
        request,
        "relationships/program_health.html",
        {
            "program": program,
            "rows": rows,
            "page": page,
            "pages": pages,
            "counts": counts,
            "concerns": selectors.open_concerns(user=user, program=program),
            "section": "programs",
        },
    )


@login_required
@require_POST
def concern_handled_view(
    request: AuthenticatedHttpRequest, program_id: int, concern_id: int
) -> HttpResponse:
    user = request.user
    program = access_program_as_coordinator(user=user, program_id=program_id)
    concern = selectors.access_concern(user=user, program=program, concern_id=concern_id)
    concern_handled(actor=user, concern=concern)
    return redirect("relationships:program_health", program_id=program.pk)

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tandem.accounts.http import AuthenticatedHttpRequest
from tandem.audit.services import log_action
from tandem.core.exports import Formatted, spreadsheet_response
from tandem.core.replica import reads_from_replica
from tandem.feedback.selectors import program_survey_kpis
from tandem.insights import kpis
from tandem.insights.forms import FilterForm
from tandem.insights.report import report_pdf
from tandem.programs.models import Program
from tandem.programs.selectors import access_program_as_coordinator, coordinated_programs
from tandem.relationships.selectors import health_counts, program_health
from tandem.ui.htmx import render_page_or_partial


def _board(
    request: AuthenticatedHttpRequest, program_id: int
) -> tuple[Program, FilterForm, kpis.Dashboard]:
    program = access_program_as_coordinator(user=request.user, program_id=program_id)
    form = FilterForm(request.GET or None)
    board = kpis.dashboard(program, form.filters())
    return program, form, board


@login_required
@reads_from_replica
def dashboard_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program, form, board = _board(request, program_id)
    user = request.user
    rows = program_health(user=user, program=program, limit=25)
    log_action(
        "insights.dashboard_viewed",
        actor=user,
        target=program,
        request=request,
        data={"filters": request.GET.urlencode()[:200]},
    )
    context: dict[str, Any] = {
        "program": program,
        "form": form,
        "board": board,
        "health_rows": rows,
        "health_counts": health_counts(program),
        "section": "programs",
        "survey": program_survey_kpis(program),
    }
    return render_page_or_partial(
        request, "insights/dashboard.html", "insights/_board.html", context
    )


@login_required
@reads_from_replica
def organisation_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_admin:
        raise PermissionDenied
    rows = kpis.organisation(coordinated_programs(user))
    return render(
        request,
        "insights/organisation.html",
        {
            "rows": rows,
            "section": "insights",
            "totals": {
                "enrolled": sum(r.enrolled for r in rows),
                "matched": sum(r.matched for r in rows),
                "live": sum(r.live for r in rows),
                "held": sum(r.held for r in rows),
                "at_risk": sum(r.at_risk for r in rows),
            },
        },
    )


def _table(board: kpis.Dashboard) -> tuple[list[str], list[list[Any]]]:
    header = ["KPI", "Value", "Display", "Detail", "People or matches counted"]
    program = board.program
    about = [["Program", None, program.name, program.cohort, None]]
    return header, about + [
        [k.label, Formatted(k.value, k.number_format), k.display, k.detail, k.n] for k in board.kpis
    ]


@login_required
@reads_from_replica
def export_view(request: AuthenticatedHttpRequest, program_id: int, fmt: str) -> HttpResponse:
    """KPI tables as CSV or XLSX: aggregates only, every cell neutralised against formulas."""
    program, _, board = _board(request, program_id)
    if board.refused:
        return HttpResponse(board.refused, status=409, content_type="text/plain; charset=utf-8")
    header, rows = _table(board)
    series_header = ["Chart", "Label", "Value"]
    series = [
        [name, p.label, p.value]
        for name, points in (
            ("Sign-ups per week", board.signups),
            ("Meetings held per match", board.meetings_histogram),
            ("Reciprocity", board.reciprocity),
            ("Health", board.health),
            ("Goals", board.goals),
        )
        for p in points
    ]
    stamp = timezone.localdate().isoformat()
    filename = f"tandem-{program.pk}-kpis-{stamp}"
    log_action(
        "insights.exported",
        actor=request.user,
        target=program,
        request=request,
        data={"format": fmt},
    )
    return spreadsheet_response(
        {"KPIs": (header, rows), "Charts": (series_header, series)},
        filename=filename,
        fmt="csv" if fmt == "csv" else "xlsx",
    )


@login_required
@reads_from_replica
def report_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program, form, board = _board(request, program_id)
    log_action("insights.report_viewed", actor=request.user, target=program, request=request)
    return render(
        request,
        "insights/report.html",
        {
            "program": program,
            "board": board,
            "today": timezone.localdate(),
            "survey": program_survey_kpis(program),
            "filters": form.filters(),
        },
    )


@login_required
@reads_from_replica
def report_pdf_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program, _, board = _board(request, program_id)
    log_action("insights.report_downloaded", actor=request.user, target=program, request=request)
    response = HttpResponse(
        report_pdf(board, survey=program_survey_kpis(program)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="tandem-report-{program.pk}.pdf"'
    return response

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tandem.accounts.http import AuthenticatedHttpRequest
from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError
from tandem.people import selectors, services
from tandem.people.forms import (
    DirectoryFilterForm,
    ImportMappingForm,
    ImportUploadForm,
    ProfileForm,
)
from tandem.people.importing.fields import FIELDS
from tandem.people.importing.plan import ImportPlan
from tandem.people.importing.reader import Row, Table
from tandem.people.models import ImportBatch, ImportStatus
from tandem.people.recognition import recognition_for
from tandem.people.services import ImportRejected
from tandem.ui.htmx import render_page_or_partial
from tandem.ui.refusals import add_to_form

PAGE_SIZE = 50


def _admin_only(user: User) -> None:
    if not user.is_admin:
        raise PermissionDenied


@login_required
def directory_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    viewer = request.user
    if not selectors.can_view_directory(viewer):
        raise PermissionDenied
    form = DirectoryFilterForm(request.GET or {"status": "active"})
    form.is_valid()
    data = form.cleaned_data if form.is_bound else {}
    people = selectors.directory(
        viewer=viewer,
        search=data.get("q") or "",
        department_id=data["department"].pk if data.get("department") else None,
        level=data.get("level"),
        status=data.get("status", "active") if "status" in request.GET else "active",
    )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    log_action(
        "people.directory_viewed",
        actor=viewer,
        request=request,
        data={"filters": request.GET.urlencode()[:200]},
    )
    context = {
        "form": form,
        "page": page,
        "section": "people",
        "stats": selectors.directory_stats(),
    }
    return render_page_or_partial(
        request, "people/directory.html", "people/_directory_table.html", context
    )


@login_required
def person_view(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    viewer = request.user
    person = selectors.access_person(viewer=viewer, person_id=person_id)
    if person.user_id != viewer.pk:
        log_action("people.person_viewed", actor=viewer, target=person, request=request)
    return render(
        request,
        "people/person.html",
        {"person": person, "recognition": recognition_for(person.user_id), "section": "people"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def me_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    viewer = request.user
    person = selectors.person_for_user(viewer)
    if person is None:
        return render(request, "people/no_profile.html", {"section": "profile"})
    form = ProfileForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(
                actor=viewer,
                person=person,
                timezone_name=form.cleaned_data["timezone"],
                languages=form.cleaned_data["languages"],
                work_start=form.cleaned_data["work_start"],
                work_end=form.cleaned_data["work_end"],
                skills=list(form.cleaned_data["skills"]),
                learning=list(form.cleaned_data["learning"]),
                goals=form.cleaned_data["goals"],
            )
        except ApplicationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("people:me")
    return render(
        request,
        "people/me.html",
        {
            "person": person,
            "form": form,
            "recognition": recognition_for(person.user_id),
            "section": "profile",
        },
    )


# --- import ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_upload_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    viewer = request.user
    _admin_only(viewer)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = services.read_upload(upload, size=upload.size)
            batch = services.import_upload(actor=viewer, data=data, file_name=upload.name)
        except ApplicationError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("people:import_preview", batch_id=batch.pk)
    batches = selectors.import_batches(viewer=viewer)[:10]
    return render(
        request,
        "people/import_upload.html",
        {"form": form, "batches": batches, "section": "import"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_preview_view(request: AuthenticatedHttpRequest, batch_id: int) -> HttpResponse:
    """The mapping and its preview; a POST (htmx, on every change) keeps a new mapping."""
    viewer = request.user
    _admin_only(viewer)
    batch = selectors.access_import_batch(viewer=viewer, batch_id=batch_id)
    if batch.status != ImportStatus.UPLOADED:
        return redirect("people:import_result", batch_id=batch.pk)
    try:
        table, plan = services.import_plan(batch=batch, actor=viewer)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("people:import_upload")
    form = _mapping_form(batch, table, request.POST or None)
    if request.method == "POST" and form.is_valid():
        table, plan = services.import_preview(
            batch=batch,
            actor=viewer,
            mapping=form.mapping(),
            full_export=form.cleaned_data["full_export"],
        )
    log_action(
        "people.import_viewed",
        actor=viewer,
        target=batch,
        request=request,
        data={"page": "preview"},
    )
    return _preview_page(request, batch, table, plan, form)


@login_required
@require_POST
def import_apply_view(request: AuthenticatedHttpRequest, batch_id: int) -> HttpResponse:
    """Import with the posted mapping, everything or nothing; a refused file shows its problems."""
    viewer = request.user
    _admin_only(viewer)
    batch = selectors.access_import_batch(viewer=viewer, batch_id=batch_id)
    if batch.status != ImportStatus.UPLOADED:
        return redirect("people:import_result", batch_id=batch.pk)
    try:
        table, plan = services.import_plan(batch=batch, actor=viewer)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("people:import_upload")
    form = _mapping_form(batch, table, request.POST)
    mapping = form.mapping() if form.is_valid() else {}
    if not form.is_valid():  # mapping() adds an error when two columns fill one field
        return _preview_page(request, batch, table, plan, form)
    try:
        services.import_apply(
            actor=viewer,
            batch=batch,
            mapping=mapping,
            full_export=form.cleaned_data["full_export"],
            send_invitations=form.cleaned_data["send_invitations"],
            confirm_leavers=form.cleaned_data["confirm_leavers"],
        )
    except ImportRejected as exc:
        messages.error(request, exc.message)
        return _preview_page(request, batch, table, exc.plan, form)
    except ApplicationError as exc:
        add_to_form(form, exc)
        return _preview_page(request, batch, table, plan, form)
    return redirect("people:import_result", batch_id=batch.pk)


def _mapping_form(batch: ImportBatch, table: Table, data: QueryDict | None) -> ImportMappingForm:
    return ImportMappingForm(
        table.headers,
        batch.mapping,
        data,
        initial={"full_export": batch.full_export, "send_invitations": True},
    )


def _preview_page(
    request: AuthenticatedHttpRequest,
    batch: ImportBatch,
    table: Table,
    plan: ImportPlan,
    form: ImportMappingForm,
) -> HttpResponse:
    columns = [
        (
            field,
            [str(c) for c in (_cell(row, index) for row in table.rows[:3]) if c not in (None, "")],
        )
        for index, field in form.column_fields()
    ]
    errors, more_errors = services.import_errors_for_display(plan)
    context = {
        "batch": batch,
        "table": table,
        "plan": plan,
        "form": form,
        "columns": columns,
        "summary": plan.summary(),
        "leavers_need_confirmation": len(plan.to_leave) >= services.LEAVER_CONFIRMATION_FROM,
        "errors": errors,
        "more_errors": more_errors,
        "preview": (plan.creates + [u.record for u in plan.updates])[:10] if plan.ok else [],
        "fields": FIELDS,
        "section": "import",
    }
    return render_page_or_partial(
        request, "people/import_preview.html", "people/_import_preview_panel.html", context
    )


@login_required
@require_POST
def import_discard_view(request: AuthenticatedHttpRequest, batch_id: int) -> HttpResponse:
    viewer = request.user
    _admin_only(viewer)
    batch = selectors.access_import_batch(viewer=viewer, batch_id=batch_id)
    services.import_discard(actor=viewer, batch=batch)
    messages.info(request, f"The upload “{batch.file_name}” was discarded; nothing was imported.")
    return redirect("people:import_upload")


@login_required
def import_result_view(request: AuthenticatedHttpRequest, batch_id: int) -> HttpResponse:
    viewer = request.user
    _admin_only(viewer)
    batch = selectors.access_import_batch(viewer=viewer, batch_id=batch_id)
    log_action(
        "people.import_viewed", actor=viewer, target=batch, request=request, data={"page": "result"}
    )
    return render(request, "people/import_result.html", {"batch": batch, "section": "import"})


def _cell(row: Row, index: int) -> object:
    return row.cells[index] if index < len(row.cells) else None

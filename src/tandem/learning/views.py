"""The library and the trainings, for readers and for the coordinators who write them."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST

from tandem.accounts.http import AuthenticatedHttpRequest
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError
from tandem.learning import files, selectors
from tandem.learning.forms import (
    AcknowledgeForm,
    LibraryFilterForm,
    QuizForm,
    RequirementForm,
    ResourceForm,
    TrainingForm,
)
from tandem.learning.markdown import render_markdown
from tandem.learning.models import ResourceKind, TrainingKind
from tandem.learning.services.resources import (
    Upload,
    resource_archive,
    resource_mark_helpful,
    resource_save,
    resource_seen,
)
from tandem.learning.services.starter import starter_library_load
from tandem.learning.services.trainings import (
    requirement_add,
    requirement_remove,
    training_acknowledge,
    training_save,
    training_submit,
)
from tandem.programs.selectors import access_program_as_coordinator
from tandem.ui.refusals import add_to_form, show_refusal

SECTION = "library"


# --- the library ------------------------------------------------------------------------------


@login_required
def library_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = LibraryFilterForm(request.GET or None)
    items = list(selectors.library(user, form.filters())[:200])
    person = selectors.person_of(user)
    return render(
        request,
        "learning/library.html",
        {
            "form": form,
            "items": items,
            "helpful": selectors.helpful_ids(person, items),
            "can_write": user.is_admin or selectors.managed_programs(user).exists(),
            "section": SECTION,
        },
    )


@login_required
def resource_view(request: AuthenticatedHttpRequest, resource_id: int) -> HttpResponse:
    user = request.user
    resource = selectors.access_resource(user=user, resource_id=resource_id)
    person = selectors.person_of(user)
    manages = selectors.can_manage(user, resource.program)
    return render(
        request,
        "learning/resource.html",
        {
            "resource": resource,
            "html": render_markdown(resource.body) if resource.kind == ResourceKind.ARTICLE else "",
            "helpful": selectors.is_helpful_to(resource, person),
            "manages": manages,
            "use": selectors.resource_counts(resource) if manages else None,
            "counts_reader": person is not None,
            "section": SECTION,
        },
    )


@login_required
@require_POST
def resource_seen_view(request: AuthenticatedHttpRequest, resource_id: int) -> HttpResponse:
    """Counted by a request the page sends once it is shown (reading a page writes nothing)."""
    resource = selectors.access_resource(user=request.user, resource_id=resource_id)
    person = selectors.person_of(request.user)
    if person is not None and resource.archived_at is None:
        resource_seen(person=person, resource=resource)
    return HttpResponse(status=204)


@login_required
@require_POST
def resource_helpful_view(request: AuthenticatedHttpRequest, resource_id: int) -> HttpResponse:
    resource = selectors.access_resource(user=request.user, resource_id=resource_id)
    helpful = request.POST.get("helpful", "1") != "0"
    try:
        resource_mark_helpful(actor=request.user, resource=resource, helpful=helpful)
    except ApplicationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(
            request, "Marked as helpful. Thank you!" if helpful else "Helpful mark removed."
        )
    return redirect("learning:resource", resource_id=resource.pk)


@login_required
def resource_file_view(request: AuthenticatedHttpRequest, resource_id: int) -> HttpResponseBase:
    """The uploaded file, to people who may read the item: always as a download, with the type
    checked on upload and no sniffing, so a file can never run as a page of this site."""
    resource = selectors.access_resource(user=request.user, resource_id=resource_id)
    path = files.path_of(resource.stored_name) if resource.kind == ResourceKind.FILE else None
    if path is None:
        raise Http404
    response = FileResponse(path.open("rb"), content_type=resource.content_type)
    response["Content-Disposition"] = content_disposition_header(True, resource.file_name)
    response["Content-Length"] = str(path.stat().st_size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def _upload(request: AuthenticatedHttpRequest) -> Upload | None:
    handle = request.FILES.get("file")
    if handle is None:
        return None
    # read one byte past the limit: enough to refuse a big file without reading it all
    data = handle.read(settings.TANDEM_LIBRARY_MAX_BYTES + 1)
    return Upload(name=str(handle.name or "file"), data=data)


def _resource_form_page(
    request: AuthenticatedHttpRequest, form: ResourceForm, resource: object = None
) -> HttpResponse:
    return render(
        request,
        "learning/resource_form.html",
        {"form": form, "resource": resource, "section": SECTION},
    )


@login_required
@require_http_methods(["GET", "POST"])
def resource_new_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_coordinator:
        raise PermissionDenied
    form = ResourceForm(user, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            resource = resource_save(
                actor=user,
                program=form.program(),
                kind=data["kind"],
                title=data["title"],
                summary=data["summary"],
                body=data["body"],
                url=data["url"],
                audience=data["audience"],
                skills=list(data["skills"]),
                stages=data["stages"],
                upload=_upload(request),
            )
        except ApplicationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, f"“{resource.title}” is in the library.")
            return redirect("learning:resource", resource_id=resource.pk)
    return _resource_form_page(request, form)


@login_required
@require_http_methods(["GET", "POST"])
def resource_edit_view(request: AuthenticatedHttpRequest, resource_id: int) -> HttpResponse:
    user = request.user
    resource = selectors.access_resource(user=user, resource_id=resource_id, manage=True)
    form = ResourceForm(user, request.POST or None, request.FILES or None, resource=resource)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            resource_save(
                actor=user,
                resource=resource,
                program=form.program(),
                kind=data["kind"],
                title=data["title"],
                summary=data["summary"],
                body=data["body"],
                url=data["url"],
                audience=data["audience"],
                skills=list(data["skills"]),
                stages=data["stages"],
                upload=_upload(request),
            )
        except ApplicationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "Saved.")
            return redirect("learning:resource", resource_id=resource.pk)
    return _resource_form_page(request, form, resource)


@login_required
@require_POST
def resource_archive_view(request: AuthenticatedHttpRequest, resource_id: int) -> HttpResponse:
    user = request.user
    resource = selectors.access_resource(user=user, resource_id=resource_id, manage=True)
    archived = request.POST.get("archived", "1") != "0"
    resource_archive(actor=user, resource=resource, archived=archived)
    messages.info(
        request,
        f"“{resource.title}” is archived: readers no longer see it."
        if archived
        else f"“{resource.title}” is back in the library.",
    )
    return redirect("learning:resource", resource_id=resource.pk)


@login_required
@require_POST
def starter_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.is_admin:
        raise PermissionDenied
    added = starter_library_load(actor=request.user)
    if added:
        messages.success(request, f"The starter library is loaded: {added} items added.")
    else:
        messages.info(request, "The starter library is already here.")
    return redirect("learning:library")


@login_required
def usage_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_coordinator:
        raise PermissionDenied
    return render(
        request,
        "learning/usage.html",
        {"rows": selectors.usage(user), "k_min": selectors.K_MIN, "section": SECTION},
    )


# --- trainings --------------------------------------------------------------------------------


@login_required
def trainings_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "learning/trainings.html",
        {
            "pending": selectors.my_pending(user),
            "managed": selectors.trainings_managed(user) if user.is_coordinator else [],
            "programs": selectors.managed_programs(user) if user.is_coordinator else [],
            "section": SECTION,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_view(request: AuthenticatedHttpRequest, training_id: int) -> HttpResponse:
    user = request.user
    training = selectors.access_training(user=user, training_id=training_id)
    person = selectors.person_of(user)
    is_module = training.kind == TrainingKind.MODULE
    data = request.POST if request.method == "POST" else None
    form = QuizForm(training, data) if is_module else AcknowledgeForm(data)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            if isinstance(form, QuizForm):
                result = training_submit(actor=user, training=training, answers=form.answers())
            else:
                training_acknowledge(actor=user, training=training)
        except ApplicationError as exc:
            add_to_form(form, exc)
        else:
            if result is None or result.passed:
                done = "Passed" if result else "Acknowledged"
                score = f" with {result.score}%" if result else ""
                messages.success(request, f"{done}{score}: “{training.title}” is complete.")
                return redirect("learning:trainings")
            form = QuizForm(training)
    return render(
        request,
        "learning/training.html",
        {
            "training": training,
            "html": render_markdown(training.body),
            "form": form,
            "result": result,
            "completion": selectors.completion_of(training, person),
            "programs": selectors.requiring_programs(training, user),
            "manages": selectors.can_manage(user, training.program),
            "section": SECTION,
        },
    )


def _training_fields(form: TrainingForm) -> dict[str, object]:
    data = form.cleaned_data
    return {
        "program": form.program(),
        "kind": data["kind"],
        "title": data["title"],
        "summary": data["summary"],
        "body": data["body"],
        "video_url": data["video_url"],
        "pass_mark": data["pass_mark"] or 80,
        "minutes": data["minutes"],
        "questions": data["questions"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def training_new_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_coordinator:
        raise PermissionDenied
    form = TrainingForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            training = training_save(actor=user, **_training_fields(form))  # type: ignore[arg-type]
        except ApplicationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, f"“{training.title}” is saved.")
            return redirect("learning:training", training_id=training.pk)
    return render(request, "learning/training_form.html", {"form": form, "section": SECTION})


@login_required
@require_http_methods(["GET", "POST"])
def training_edit_view(request: AuthenticatedHttpRequest, training_id: int) -> HttpResponse:
    user = request.user
    training = selectors.access_training(user=user, training_id=training_id, manage=True)
    form = TrainingForm(user, request.POST or None, training=training)
    if request.method == "POST" and form.is_valid():
        try:
            training_save(actor=user, training=training, **_training_fields(form))  # type: ignore[arg-type]
        except ApplicationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "Saved.")
            return redirect("learning:training", training_id=training.pk)
    return render(
        request,
        "learning/training_form.html",
        {"form": form, "training": training, "section": SECTION},
    )


@login_required
@require_http_methods(["GET", "POST"])
def requirements_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    """A program's requirements before matching, and who is still waiting on what."""
    user = request.user
    program = access_program_as_coordinator(user=user, program_id=program_id)
    form = RequirementForm(program, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            requirement_add(
                actor=user,
                program=program,
                training=form.cleaned_data["training"],
                role=form.cleaned_data["role"] or "",
            )
        except ApplicationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "Required before matching.")
            return redirect("learning:requirements", program_id=program.pk)
    waiting = selectors.waiting_list(program)
    log_action("training.waiting_viewed", actor=user, target=program, request=request)
    return render(
        request,
        "learning/requirements.html",
        {
            "program": program,
            "form": form,
            "requirements": selectors.requirements(program),
            "waiting": waiting,
            "section": "programs",
        },
    )


@login_required
@require_POST
def requirement_remove_view(
    request: AuthenticatedHttpRequest, program_id: int, requirement_id: int
) -> HttpResponse:
    user = request.user
    program = access_program_as_coordinator(user=user, program_id=program_id)
    requirement_remove(actor=user, program=program, requirement_id=requirement_id)
    messages.info(request, "No longer required.")
    return redirect("learning:requirements", program_id=program.pk)

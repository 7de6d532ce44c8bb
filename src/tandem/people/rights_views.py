"""Pages of the data rights: a person's own export and erasure request; the admins' queue."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tandem.accounts.http import AuthenticatedHttpRequest
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError
from tandem.core.personal_data import controls_for
from tandem.people import retention, rights, selectors
from tandem.people.forms import ErasureConfirmForm, RetentionForm
from tandem.people.models import ErasureRequest, ErasureStatus, Person
from tandem.ui.refusals import show_refusal


def _own_person(request: AuthenticatedHttpRequest) -> Person | None:
    return selectors.person_for_user(request.user)


@login_required
def my_data_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = _own_person(request)
    context = {
        "controls": controls_for(rights.subject_for(request.user)),
        "section": "profile",
        "person": person,
        "open_request": rights.open_request(person) if person else None,
        "form": ErasureConfirmForm(),
        "grace_days": settings.TANDEM_ERASURE_GRACE_DAYS,
        "per_hour": settings.TANDEM_EXPORTS_PER_HOUR,
    }
    return render(request, "people/my_data.html", context)


@login_required
@require_POST
def my_data_export_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not rights.may_export_now(request.user):
        messages.error(
            request,
            f"You have downloaded your data {settings.TANDEM_EXPORTS_PER_HOUR} times in the last "
            "hour. Please try again later.",
        )
        return redirect("people:my_data")
    name, data = rights.export_archive(user=request.user, actor=request.user, request=request)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def my_data_erase_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = _own_person(request)
    if person is None:
        raise Http404
    form = ErasureConfirmForm(request.POST)
    if not form.is_valid():
        context = {
            "section": "profile",
            "person": person,
            "open_request": rights.open_request(person),
            "form": form,
            "grace_days": settings.TANDEM_ERASURE_GRACE_DAYS,
            "per_hour": settings.TANDEM_EXPORTS_PER_HOUR,
        }
        return render(request, "people/my_data.html", context)
    try:
        erasure = rights.erasure_request(person=person, actor=request.user, request=request)
    except ApplicationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(
            request,
            f"Your request is recorded. An admin will carry it out; if nobody does, it happens by "
            f"itself on {erasure.due_at:%d %B %Y}. You can cancel it until then.",
        )
    return redirect("people:my_data")


@login_required
@require_POST
def my_data_erase_cancel_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = _own_person(request)
    erasure = rights.open_request(person) if person else None
    if erasure is None:
        raise Http404
    rights.erasure_cancel(erasure=erasure, actor=request.user, request=request)
    messages.success(request, "Your erasure request is cancelled.")
    return redirect("people:my_data")


@login_required
def erasures_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.is_admin:
        raise PermissionDenied
    requests = ErasureRequest.objects.select_related("person__user").order_by(
        "status", "due_at", "-id"
    )[:200]
    log_action("people.erasures_viewed", actor=request.user, request=request)
    return render(
        request,
        "people/erasures.html",
        {"section": "erasures", "requests": requests, "REQUESTED": ErasureStatus.REQUESTED},
    )


@login_required
@require_POST
def erasure_carry_out_view(request: AuthenticatedHttpRequest, erasure_id: int) -> HttpResponse:
    if not request.user.is_admin:
        raise PermissionDenied
    try:
        erasure = rights.erasure_carry_out(
            erasure_id=erasure_id, actor=request.user, request=request
        )
    except ApplicationError as exc:
        if exc.status == 404:
            raise Http404 from exc
        show_refusal(request, exc)
    else:
        messages.success(request, f"Erased. The person is now “{erasure.pseudonym}”.")
    return redirect("people:erasures")


@login_required
@require_POST
def erasure_request_for_view(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """An admin records a request made another way (email, HR, a leaver)."""
    if not request.user.is_admin:
        raise PermissionDenied
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise Http404
    try:
        rights.erasure_request(person=person, actor=request.user, request=request)
    except ApplicationError as exc:
        show_refusal(request, exc)
        return redirect("people:person", person_id=person_id)
    messages.success(request, "Erasure requested; carry it out from the list below.")
    return redirect("people:erasures")


@login_required
@require_http_methods(["GET", "POST"])
def retention_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.is_admin:
        raise PermissionDenied
    categories = retention.categories_with_days()
    form = RetentionForm(request.POST or None, categories=categories)
    if request.method == "POST" and form.is_valid():
        retention.retention_settings_save(
            actor=request.user, values=dict(form.cleaned_data), request=request
        )
        messages.success(request, "Retention periods saved; the daily job applies them.")
        return redirect("people:retention")
    context = {
        "section": "retention",
        "form": form,
        "reports": retention.recent_reports(),
    }
    return render(request, "people/retention.html", context)

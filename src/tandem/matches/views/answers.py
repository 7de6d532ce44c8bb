"""A participant's matches: the page linked from the "you have a match" email (m/<id>/, kept
as it is in emails already sent) and one POST URL per answer: accept/, decline/, repair/."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tandem.accounts.http import AuthenticatedHttpRequest
from tandem.core.errors import ApplicationError
from tandem.matches import selectors
from tandem.matches.forms import DeclineForm, RepairForm
from tandem.relationships.models import Membership
from tandem.relationships.next_step import next_step
from tandem.relationships.services.answers import (
    membership_accept,
    membership_decline,
    repair_request,
)
from tandem.ui.refusals import show_refusal


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
            "step": next_step(relationship, membership.person),
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
        show_refusal(request, exc)
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
        show_refusal(request, exc)
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
        show_refusal(request, exc)
    else:
        messages.info(request, "Your request went to the coordinators, confidentially.")
    return _back_to_match(membership)

"""A match's own pages: overview, kickoff, private notes, concerns and the closing summary."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tandem.accounts.http import AuthenticatedHttpRequest
from tandem.core.errors import ApplicationError
from tandem.relationships import selectors
from tandem.relationships.forms import ClosingForm, ConcernForm, NoteForm
from tandem.relationships.models import RelationshipStatus
from tandem.relationships.next_step import next_step
from tandem.relationships.services.closing import closing_submit
from tandem.relationships.services.concerns import concern_raise
from tandem.relationships.services.logs import note_add
from tandem.ui.refusals import add_to_form


@login_required
def detail_view(request: AuthenticatedHttpRequest, relationship_id: int) -> HttpResponse:
    relationship, membership = selectors.access_relationship(
        user=request.user, relationship_id=relationship_id
    )
    people = selectors.members(relationship)
    balance = selectors.reciprocity(relationship)
    return render(
        request,
        "relationships/detail.html",
        {
            "relationship": relationship,
            "membership": membership,
            "program": relationship.program,
            "partners": [m for m in people if m.pk != membership.pk],
            "shares": [(m, round(balance.shares.get(m.person_id, 0) * 100)) for m in people],
            "balance": balance,
            "upcoming": selectors.upcoming(relationship),
            "past": selectors.past(relationship)[:12],
            "goals": selectors.goals(relationship),
            "notes": selectors.notes(relationship)[:10],
            "note_form": NoteForm(),
            "live": relationship.status == RelationshipStatus.ACTIVE,
            "step": next_step(relationship, membership.person),
            "reading": selectors.reading(relationship, people),
            "section": "matches",
        },
    )


@login_required
def kickoff_view(request: AuthenticatedHttpRequest, relationship_id: int) -> HttpResponse:
    relationship, membership = selectors.access_relationship(
        user=request.user, relationship_id=relationship_id
    )
    people = selectors.members(relationship)
    return render(
        request,
        "relationships/kickoff.html",
        {
            "relationship": relationship,
            "membership": membership,
            "program": relationship.program,
            "people": people,
            "kickoff": selectors.kickoff_meeting(relationship),
            "reading": selectors.reading(relationship, people, stage="before_kickoff"),
            "section": "matches",
        },
    )


@login_required
@require_POST
def note_view(request: AuthenticatedHttpRequest, relationship_id: int) -> HttpResponse:
    user = request.user
    relationship, _ = selectors.access_relationship(user=user, relationship_id=relationship_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        note_add(actor=user, relationship=relationship, text=form.cleaned_data["text"])
        messages.success(request, "Note saved — only the two of you can read it.")
    else:
        messages.error(
            request, " ".join(str(e) for e in form.errors.get("text", ["Write the note."]))
        )
    return redirect("relationships:detail", relationship_id=relationship.pk)


@login_required
@require_http_methods(["GET", "POST"])
def concern_view(request: AuthenticatedHttpRequest, relationship_id: int) -> HttpResponse:
    user = request.user
    relationship, _ = selectors.access_relationship(user=user, relationship_id=relationship_id)
    form = ConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            concern_raise(
                actor=user,
                relationship=relationship,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
            )
        except ApplicationError as exc:
            add_to_form(form, exc)
        else:
            messages.info(request, "Your concern went to the program coordinators, confidentially.")
            return redirect("relationships:detail", relationship_id=relationship.pk)
    return render(
        request,
        "relationships/concern.html",
        {
            "relationship": relationship,
            "program": relationship.program,
            "form": form,
            "section": "matches",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def close_view(request: AuthenticatedHttpRequest, relationship_id: int) -> HttpResponse:
    user = request.user
    relationship, membership = selectors.access_relationship(
        user=user, relationship_id=relationship_id
    )
    form = ClosingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            closing_submit(
                actor=user,
                relationship=relationship,
                achieved=form.cleaned_data["achieved"],
                learned=form.cleaned_data["learned"],
                would_recommend_partner=form.cleaned_data["would_recommend_partner"] == "yes",
                would_do_again=form.cleaned_data["would_do_again"] == "yes",
                next_step=form.cleaned_data["next_step"],
            )
        except ApplicationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request, "Thank you — your summary is saved. The match stays readable here."
            )
            return redirect("relationships:detail", relationship_id=relationship.pk)
    return render(
        request,
        "relationships/close.html",
        {
            "relationship": relationship,
            "program": relationship.program,
            "form": form,
            "existing": selectors.closing_of(membership),
            "section": "matches",
        },
    )

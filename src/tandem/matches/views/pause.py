"""Pausing a coffee rotation until a date, from the "Pause until…" button of a round's message."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tandem.accounts.http import AuthenticatedHttpRequest
from tandem.matches.services.standings import rotation_snooze
from tandem.programs.models import ProgramKind
from tandem.programs.selectors import access_program_as_participant


class PauseForm(forms.Form):
    until = forms.DateField(
        label="No rounds for me until",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="You are back in the rounds from this date; at most a year ahead.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def rotation_pause_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access_program_as_participant(user=request.user, program_id=program_id)
    if program.kind != ProgramKind.COFFEE_ROTATION:
        raise Http404("Only coffee rotations have rounds to pause.")
    initial = {"until": timezone.localdate() + timedelta(days=14)}
    form = PauseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            result = rotation_snooze(
                user=request.user, program_id=program.pk, until=form.cleaned_data["until"]
            )
        except LookupError:
            form.add_error(None, "This is not a coffee rotation you take part in.")
        else:
            if result.ok:
                messages.success(request, result.text)
                return redirect("web:home")
            form.add_error("until", result.text)
    return render(
        request,
        "matches/rotation_pause.html",
        {"program": program, "form": form, "section": "programs"},
    )

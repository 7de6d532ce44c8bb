"""The person's own notification settings (linked from the account menu)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tandem.core.errors import ApplicationError
from tandem.notify.channels import channel_label, configured_channels
from tandem.notify.forms import PreferencesForm
from tandem.notify.preferences import preferences_of
from tandem.notify.services.preferences import preferences_update
from tandem.ui.refusals import add_to_form

CHAT_CHANNELS = ("slack", "teams")


@login_required
@require_http_methods(["GET", "POST"])
def preferences_view(request: HttpRequest) -> HttpResponse:
    user_id = _user_id(request)
    prefs = preferences_of(user_id)
    form = PreferencesForm(request.POST or None, initial=PreferencesForm.initial_from(prefs))
    if request.method == "POST" and form.is_valid():
        try:
            preferences_update(user_id=user_id, data=form.to_input())
        except ApplicationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "Your notification settings are saved.")
            return redirect("notify_prefs:preferences")
    configured = configured_channels()
    unavailable = [channel_label(c) for c in CHAT_CHANNELS if c not in configured]
    return render(
        request,
        "notify/preferences.html",
        {
            "form": form,
            "timezone": prefs.timezone,
            "unavailable": unavailable,
            "section": "notifications",
        },
    )


def _user_id(request: HttpRequest) -> int:
    """The signed-in user's id (the login decorator / API auth guarantee there is one)."""
    return int(getattr(request.user, "pk", 0) or 0)

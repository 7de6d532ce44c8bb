"""The admin's SCIM token page: create (shown once), list, revoke."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tandem.accounts.http import AuthenticatedHttpRequest
from tandem.core.errors import ApplicationError
from tandem.scim.selectors import scim_tokens
from tandem.scim.services.tokens import scim_token_create, scim_token_revoke


class ScimTokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="Which identity provider uses it, e.g. “Entra ID provisioning”.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def tokens_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.is_admin:
        raise PermissionDenied
    form = ScimTokenForm(data=request.POST or None)
    new_token = ""
    if request.method == "POST" and form.is_valid():
        try:
            _, new_token = scim_token_create(actor=request.user, name=form.cleaned_data["name"])
        except ApplicationError as exc:
            form.add_error("name", exc.message)
        else:
            form = ScimTokenForm()
    return render(
        request,
        "scim/tokens.html",
        {
            "form": form,
            "tokens": scim_tokens(),
            "new_token": new_token,
            "scim_url": f"{settings.SITE_URL}/scim/v2/",
            "section": "scim",
        },
    )


@login_required
@require_POST
def token_revoke_view(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    if not request.user.is_admin:
        raise PermissionDenied
    token = scim_token_revoke(actor=request.user, token_id=token_id)
    messages.success(request, f"“{token.name}” is revoked; provisioning with it stops now.")
    return redirect("scim_admin:tokens")

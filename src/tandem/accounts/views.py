from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from tandem.accounts import selectors, services
from tandem.accounts.forms import ApiTokenForm, InvitationAcceptForm, LoginForm
from tandem.accounts.http import AuthenticatedHttpRequest
from tandem.accounts.signin import identity_provider_origins, sign_in_options
from tandem.core.errors import ApplicationError


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_safe_next(request) or "web:home")
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        assert form.user is not None
        login(request, form.user)
        return redirect(_safe_next(request) or "web:home")
    response = render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "next": _safe_next(request),
            "sso_providers": sign_in_options(),
            "sso_only": settings.TANDEM_SSO_ONLY,
        },
    )
    origins = identity_provider_origins()
    if origins:  # the SSO buttons post here and are redirected to the identity provider
        response._csp_update = {"form-action": origins}  # type: ignore[attr-defined]
    return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "You are signed out.")
    return redirect("accounts:login")


@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    if settings.TANDEM_SSO_ONLY:
        messages.info(request, "Sign in with your organisation's account; passwords are off.")
        return redirect("accounts:login")
    invitation = selectors.invitation_for_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=410)
    form = InvitationAcceptForm(invitation.user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token, password=form.cleaned_data["new_password1"]
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            login(request, user, backend="tandem.accounts.backends.PasswordBackend")
            messages.success(
                request, f"Welcome to Tandem, {user.first_name}! Your password is set."
            )
            return redirect("web:home")
    return render(
        request, "accounts/invitation_accept.html", {"form": form, "invited": invitation.user}
    )


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = ApiTokenForm(data=request.POST or None)
    new_token = ""
    if request.method == "POST" and form.is_valid():
        try:
            _, new_token = services.api_token_create(user=user, name=form.cleaned_data["name"])
        except ApplicationError as exc:
            form.add_error("name", exc.message)
        else:
            form = ApiTokenForm()
    tokens = selectors.api_tokens(user)
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": tokens, "new_token": new_token, "section": "tokens"},
    )


@login_required
@require_POST
def api_token_revoke_view(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    services.api_token_revoke(user=request.user, token_id=token_id)
    messages.success(request, "The token is revoked; clients using it are refused from now on.")
    return redirect("accounts:tokens")

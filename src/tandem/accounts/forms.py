from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tandem.accounts import throttle
from tandem.accounts.backends import passwords_allowed_for
from tandem.accounts.emails import password_reset_email
from tandem.accounts.models import User, normalise_email
from tandem.notify.outbox import enqueue

TOO_MANY = (
    "Too many sign-in attempts. Wait {minutes} minutes and try again, or reset your password."
)


class LoginForm(forms.Form):
    email = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user: User | None = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        email, password = data.get("email"), data.get("password")
        if not email or not password:
            return data
        email = normalise_email(email)
        if not passwords_allowed_for(email):
            raise forms.ValidationError(
                "Passwords are switched off here: use the “Sign in with …” button above.",
                code="sso_only",
            )
        keys = throttle.login_keys(email, self.request)
        window = throttle.login_window()
        for key, limit in keys:
            if not throttle.consume(key, limit=limit, window=window):
                minutes = max(1, int(window.total_seconds() // 60))
                raise forms.ValidationError(TOO_MANY.format(minutes=minutes), code="throttled")
        user = authenticate(self.request, username=email, password=password)
        if user is None:
            raise forms.ValidationError(
                "That email and password do not match an active account. "
                "Check both, or reset your password.",
                code="invalid_login",
            )
        for key, _ in keys:
            throttle.refund(key)
        self.user = user
        return data


class InvitationAcceptForm(SetPasswordForm):
    """Django's two-field password form; validation runs the configured password validators."""


class OutboxPasswordResetForm(PasswordResetForm):
    """Sends the reset link through the outbox, so it is retried if mail is down.

    People who were imported but never accepted their invitation may use it too: it sets their
    first password. The answer is the same whether or not the address exists.
    """

    def get_users(self, email: str) -> Any:
        if not passwords_allowed_for(normalise_email(email)):
            return User.objects.none()  # SSO only: no password to reset
        return User.objects.filter(email__iexact=normalise_email(email), is_active=True)

    def save(self, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        from django.conf import settings
        from django.contrib.auth.tokens import default_token_generator

        email = self.cleaned_data["email"]
        if request is not None and not throttle.consume(
            f"reset:{normalise_email(email)}", limit=3, window=timedelta(hours=1)
        ):
            return
        with transaction.atomic():
            emails = []
            for user in self.get_users(email):
                token = default_token_generator.make_token(user)
                uid = urlsafe_base64_encode(force_bytes(user.pk))
                path = reverse("accounts:password_reset_confirm", args=[uid, token])
                emails.append(
                    password_reset_email(
                        user=user,
                        reset_url=settings.SITE_URL + path,
                        event_key=f"password_reset:{user.pk}:{token}",
                    )
                )
            enqueue(emails)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="What will use it, e.g. “HRIS sync” or “Reporting notebook”.",
    )

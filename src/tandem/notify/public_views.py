"""Answering a message from an email without signing in.

The signed token is the authority (it binds user, action and value); GET only shows what will
happen — mail scanners follow links — and POST does it.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from tandem.notify.actions import ActionResult, dispatch, read_action_token
from tandem.notify.models import Category
from tandem.notify.services.preferences import unsubscribe_category
from tandem.notify.unsubscribe import read_unsubscribe_token


@require_http_methods(["GET", "POST"])
def action_view(request: HttpRequest, token: str) -> HttpResponse:
    signed = read_action_token(token)
    user = (
        get_user_model().objects.filter(pk=signed.user_id, is_active=True).first()
        if signed
        else None
    )
    if signed is None or user is None:
        return render(request, "notify/action_invalid.html", status=404)
    if request.method == "GET":
        return render(request, "notify/action_confirm.html", {"signed": signed})
    result: ActionResult = dispatch(signed.action, user, signed.value)
    return render(
        request, "notify/action_done.html", {"result": result}, status=200 if result.ok else 400
    )


@csrf_exempt  # RFC 8058: mail providers POST "List-Unsubscribe=One-Click" without a session
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    signed = read_unsubscribe_token(token)
    if signed is None:
        return render(request, "notify/unsubscribe_invalid.html", status=404)
    label = Category(signed.category).label
    if request.method == "GET":
        return render(request, "notify/unsubscribe.html", {"label": label, "done": False})
    if not unsubscribe_category(user_id=signed.user_id, category=signed.category):
        return render(request, "notify/unsubscribe_invalid.html", status=404)
    return render(request, "notify/unsubscribe.html", {"label": label, "done": True})

"""Slack's HTTP endpoints (public, but every request signed) and the admin/coordinator pages.

The endpoints check the signature before anything else reads the request; a bad, missing or
stale one gets 401 and nothing is stored. Accepted requests are stored and queued (a task does
the work), so Slack gets its answer well inside three seconds.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tandem.core.errors import ApplicationError
from tandem.integrations.slack.config import slack_settings
from tandem.integrations.slack.models import InboundKind
from tandem.integrations.slack.services.inbound import (
    command_key,
    event_key,
    inbound_receive,
    interaction_key,
)
from tandem.integrations.slack.signing import is_signed

logger = logging.getLogger(__name__)


def _refused() -> HttpResponse:
    return JsonResponse({"ok": False, "error": "invalid_signature"}, status=401)


def _bad(message: str) -> HttpResponse:
    return JsonResponse({"ok": False, "error": "bad_request", "detail": message}, status=400)


def _signed(request: HttpRequest) -> bool:
    ok = is_signed(slack_settings().signing_secret, request.body, request.headers)
    if not ok:
        logger.warning("slack request refused: bad, missing or stale signature")
    return ok


@csrf_exempt
@require_POST
def events_view(request: HttpRequest) -> HttpResponse:
    if not _signed(request):
        return _refused()
    try:
        body: Any = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return _bad("The body is not JSON.")
    if not isinstance(body, dict):
        return _bad("The body is not a JSON object.")
    if body.get("type") == "url_verification":
        return JsonResponse({"challenge": str(body.get("challenge") or "")})
    if body.get("type") != "event_callback":
        return HttpResponse(status=204)
    try:
        inbound_receive(kind=InboundKind.EVENT, key=event_key(body), payload=body)
    except ApplicationError as exc:
        return _bad(exc.message)
    return HttpResponse(status=200)


@csrf_exempt
@require_POST
def interactions_view(request: HttpRequest) -> HttpResponse:
    if not _signed(request):
        return _refused()
    try:
        payload: Any = json.loads(request.POST.get("payload") or "")
    except ValueError:
        return _bad("The payload is not JSON.")
    if not isinstance(payload, dict):
        return _bad("The payload is not a JSON object.")
    try:
        inbound_receive(kind=InboundKind.INTERACTION, key=interaction_key(payload), payload=payload)
    except ApplicationError as exc:
        return _bad(exc.message)
    return HttpResponse(status=200)


@csrf_exempt
@require_POST
def commands_view(request: HttpRequest) -> HttpResponse:
    if not _signed(request):
        return _refused()
    form = {key: request.POST.get(key, "") for key in request.POST}
    try:
        inbound_receive(kind=InboundKind.COMMAND, key=command_key(form), payload=form)
    except ApplicationError as exc:
        return _bad(exc.message)
    return JsonResponse({"response_type": "ephemeral", "text": "One moment…"})

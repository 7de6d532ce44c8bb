"""Teams' messaging endpoint: every request carries a Bot Framework JWT, checked before the body
is read; a missing or bad token gets 401 and nothing is stored."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from microsoft_agents.activity import Activity
from pydantic import ValidationError

from tandem.integrations.teams.auth import TokenRejected, verify
from tandem.integrations.teams.services.activities import receive

logger = logging.getLogger(__name__)


def _refused(reason: str) -> HttpResponse:
    logger.warning("teams request refused: %s", reason)
    return JsonResponse({"error": "unauthorized"}, status=401)


def _bad(message: str) -> HttpResponse:
    return JsonResponse({"error": "bad_request", "detail": message}, status=400)


@csrf_exempt
@require_POST
def messages_view(request: HttpRequest) -> HttpResponse:
    try:
        verified = verify(request.headers.get("Authorization", ""))
    except TokenRejected as exc:
        return _refused(str(exc))
    try:
        payload: Any = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return _bad("The body is not JSON.")
    if not isinstance(payload, dict):
        return _bad("The body is not a JSON object.")
    try:
        verified.check_activity(
            service_url=str(payload.get("serviceUrl") or ""),
            channel_id=str(payload.get("channelId") or ""),
        )
    except TokenRejected as exc:
        return _refused(str(exc))
    try:
        activity = Activity.model_validate(payload)
    except ValidationError:
        return _bad("The body is not a Bot Framework activity.")
    answer = receive(activity, payload)
    if answer.body is None:
        return HttpResponse(status=answer.status)
    return JsonResponse(answer.body, status=answer.status)

"""The outbox screens (admins only). notify sits below accounts in the layer map, so these views
take a plain ``HttpRequest`` and ask the user object only for ``is_admin``."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tandem.audit.services import log_action
from tandem.core.words import plural
from tandem.notify.models import Channel, Status
from tandem.notify.outbox import retry_now
from tandem.notify.selectors import (
    failed_message_ids,
    outbox_counts,
    outbox_message,
    outbox_messages,
)


def _admin(request: HttpRequest) -> None:
    if not getattr(request.user, "is_admin", False):
        raise PermissionDenied


@login_required
def outbox_view(request: HttpRequest) -> HttpResponse:
    _admin(request)
    status = request.GET.get("status", "")
    status = status if status in Status.values else ""
    channel = request.GET.get("channel", "")
    channel = channel if channel in [*Channel.values, "fallback"] else ""
    found = outbox_messages(status=status, channel=channel, search=request.GET.get("q", ""))
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    log_action(
        "notify.outbox_viewed",
        actor=request.user,
        request=request,
        data={"filters": request.GET.urlencode()[:200]},
    )
    return render(
        request,
        "notify/outbox.html",
        {
            "page": page,
            "status": status,
            "statuses": Status.choices,
            "channel": channel,
            "channels": [*Channel.choices, ("fallback", "Fell back to email")],
            "counts": outbox_counts(),
            "section": "outbox",
        },
    )


@login_required
def outbox_message_view(request: HttpRequest, message_id: int) -> HttpResponse:
    _admin(request)
    message = outbox_message(message_id)
    log_action("notify.message_viewed", actor=request.user, target=message, request=request)
    payload_json = json.dumps(message.payload, indent=2, ensure_ascii=False)
    return render(
        request,
        "notify/message.html",
        {"message": message, "payload_json": payload_json, "section": "outbox"},
    )


@login_required
@require_POST
def outbox_retry_view(request: HttpRequest) -> HttpResponse:
    _admin(request)
    ids = [int(i) for i in request.POST.getlist("message") if i.isdigit()]
    if request.POST.get("all_failed"):
        ids = failed_message_ids()
    count = retry_now(ids)
    log_action("notify.retry", actor=request.user, data={"messages": count})
    messages.success(request, f"{plural(count, 'message')} queued again.")
    return redirect("notify:outbox")

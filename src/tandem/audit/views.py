from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tandem.audit.selectors import audit_entries
from tandem.audit.services import log_action


@login_required
def audit_log_view(request: HttpRequest) -> HttpResponse:
    if not getattr(request.user, "is_admin", False):
        raise PermissionDenied
    entries = audit_entries(
        action=request.GET.get("action", ""), actor_email=request.GET.get("actor", "")
    )
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    # Read the page before recording this view, or the view's own entry displaces the oldest row.
    page.object_list = list(page.object_list)
    # The audit log is personal data too: its own reads are audited, with the filter used.
    log_action(
        "audit.log_viewed",
        actor=request.user,
        request=request,
        data={"filters": request.GET.urlencode()[:200]},
    )
    return render(request, "audit/log.html", {"page": page, "section": "audit"})

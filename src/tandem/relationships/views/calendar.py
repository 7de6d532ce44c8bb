"""The private calendar subscription: the settings page, create and revoke its address, and the
feed itself (authorised by its secret, revocable token, not by a session)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from tandem.accounts.http import AuthenticatedHttpRequest
from tandem.core.errors import ApplicationError
from tandem.relationships import calendars, selectors
from tandem.relationships.services.feeds import (
    calendar_feed_create,
    calendar_feed_revoke,
    person_for_feed,
)


def _calendar_page(request: AuthenticatedHttpRequest, *, token: str = "") -> HttpResponse:
    return render(
        request,
        "relationships/calendar.html",
        {
            "feed_url": settings.SITE_URL + reverse("calendar_feed", args=[token]) if token else "",
            "active": selectors.has_active_calendar_feed(request.user),
            "section": "matches",
        },
    )


@login_required
@require_GET
def calendar_settings_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _calendar_page(request)


@login_required
@require_POST
def calendar_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new address, shown once on the page this answers with (only its hash is kept)."""
    try:
        token = calendar_feed_create(actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("relationships:calendar")
    return _calendar_page(request, token=token)


@login_required
@require_POST
def calendar_revoke_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    calendar_feed_revoke(actor=request.user)
    messages.info(request, "The calendar address no longer works.")
    return redirect("relationships:calendar")


@require_GET
def calendar_feed_view(request: HttpRequest, token: str) -> HttpResponse:
    """The subscribable feed: anyone with the (secret, revocable) address can read it.

    Reading it stamps the feed's ``last_used_at`` at most once an hour (in ``person_for_feed``):
    the one write on a GET we keep, so people can see whether an address is still in use.
    """
    person = person_for_feed(token)
    if person is None:
        raise Http404
    return HttpResponse(calendars.feed_for(person), content_type="text/calendar; charset=utf-8")

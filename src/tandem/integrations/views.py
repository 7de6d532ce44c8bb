"""Pages of the integrations: the Slack and Teams admin pages (manifest or app package, status)
and a rotation's channel link (coordinators). The chat tools' own endpoints are in
``slack/views.py`` and ``teams/views.py``."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from tandem.accounts.http import AuthenticatedHttpRequest
from tandem.core.errors import ApplicationError
from tandem.integrations import selectors
from tandem.integrations.forms import ChannelLinkForm, TeamLinkForm
from tandem.integrations.slack import manifest
from tandem.integrations.slack.client import SlackError
from tandem.integrations.slack.config import BOT_SCOPES
from tandem.integrations.slack.services.rotation import (
    channel_link_remove,
    channel_link_save,
    channel_sync,
)
from tandem.integrations.slack.status import slack_status
from tandem.integrations.teams import package
from tandem.integrations.teams.client import TeamsError
from tandem.integrations.teams.config import CHECK_PERMISSION, GRAPH_PERMISSIONS
from tandem.integrations.teams.services.rotation import (
    team_channel_url,
    team_link_remove,
    team_link_save,
    team_sync,
)
from tandem.integrations.teams.status import teams_status
from tandem.programs.selectors import access_program_as_coordinator
from tandem.ui.refusals import add_to_form, show_refusal


@login_required
def slack_admin_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.is_admin:
        raise PermissionDenied
    status = slack_status(check=True)
    socket = request.GET.get("mode", "socket" if status.socket_mode else "http") == "socket"
    data = manifest.manifest(socket_mode=socket)
    found, total = selectors.people_in_slack()
    context = {
        "section": "integrations",
        "status": status,
        "socket": socket,
        "manifest_yaml": manifest.as_yaml(data),
        "manifest_json": manifest.as_json(data),
        "scopes": BOT_SCOPES.items(),
        "found": found,
        "total": total,
        "links": selectors.channel_links(),
        "inbound": selectors.recent_inbound(),
    }
    return render(request, "integrations/slack.html", context)


@login_required
def teams_admin_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.is_admin:
        raise PermissionDenied
    status = teams_status(check=True)
    found, total = selectors.people_in_teams()
    context = {
        "section": "integrations",
        "status": status,
        "manifest_json": json.dumps(package.manifest(), indent=2),
        "permissions": GRAPH_PERMISSIONS.items(),
        "check_permission": CHECK_PERMISSION,
        "messaging_url": settings.SITE_URL.rstrip("/") + reverse("integrations:teams_messages"),
        "found": found,
        "total": total,
        "inbound": selectors.recent_teams_inbound(),
    }
    return render(request, "integrations/teams.html", context)


@login_required
def teams_package_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.is_admin:
        raise PermissionDenied
    response = HttpResponse(package.package(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="tandem-teams-app.zip"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def channel_link_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access_program_as_coordinator(user=request.user, program_id=program_id)
    link = selectors.channel_link(program)
    initial = (
        {
            "channel_id": link.channel_id,
            "channel_name": link.channel_name,
            "post_time": link.post_time,
            "timezone": link.timezone,
        }
        if link
        else {"timezone": "UTC"}
    )
    form = ChannelLinkForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            channel_link_save(actor=request.user, program=program, data=form.link_input())
        except ApplicationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "Linked. Members are synced before every round.")
            return redirect("integrations:slack_channel", program_id=program.pk)
    context = {"section": "programs", "program": program, "link": link, "form": form}
    return render(request, "integrations/channel_link.html", context)


@login_required
@require_POST
def channel_unlink_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access_program_as_coordinator(user=request.user, program_id=program_id)
    try:
        channel_link_remove(actor=request.user, program=program)
    except ApplicationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, "The program no longer follows a Slack channel.")
    return redirect("integrations:slack_channel", program_id=program.pk)


@login_required
@require_POST
def channel_sync_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access_program_as_coordinator(user=request.user, program_id=program_id)
    link = selectors.channel_link(program)
    if link is None:
        messages.error(request, "Link a channel first.")
        return redirect("integrations:slack_channel", program_id=program.pk)
    try:
        result = channel_sync(link)
    except SlackError as exc:
        messages.error(request, f"Slack answered {exc.code}; nothing changed.")
    except ApplicationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(
            request, f"Synced: {len(result.enrolled)} joined, {len(result.withdrawn)} left."
        )
    return redirect("integrations:slack_channel", program_id=program.pk)


@login_required
@require_http_methods(["GET", "POST"])
def team_link_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access_program_as_coordinator(user=request.user, program_id=program_id)
    link = selectors.team_link(program)
    initial = (
        {
            "channel_link": team_channel_url(link),
            "channel_name": link.channel_name,
            "post_time": link.post_time,
            "timezone": link.timezone,
        }
        if link
        else {"timezone": "UTC"}
    )
    form = TeamLinkForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            team_link_save(actor=request.user, program=program, data=form.link_input())
        except ApplicationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "Linked. The team's members are synced before every round.")
            return redirect("integrations:teams_team", program_id=program.pk)
    context = {"section": "programs", "program": program, "link": link, "form": form}
    return render(request, "integrations/team_link.html", context)


@login_required
@require_POST
def team_unlink_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access_program_as_coordinator(user=request.user, program_id=program_id)
    try:
        team_link_remove(actor=request.user, program=program)
    except ApplicationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, "The program no longer follows a Teams team.")
    return redirect("integrations:teams_team", program_id=program.pk)


@login_required
@require_POST
def team_sync_view(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access_program_as_coordinator(user=request.user, program_id=program_id)
    link = selectors.team_link(program)
    if link is None:
        messages.error(request, "Link a team first.")
        return redirect("integrations:teams_team", program_id=program.pk)
    try:
        result = team_sync(link)
    except TeamsError as exc:
        messages.error(request, f"Microsoft answered {exc.code}; nothing changed.")
    except ApplicationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(
            request, f"Synced: {len(result.enrolled)} joined, {len(result.withdrawn)} left."
        )
    return redirect("integrations:teams_team", program_id=program.pk)

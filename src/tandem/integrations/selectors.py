"""Reads for the integrations' pages."""

from __future__ import annotations

from django.db.models import QuerySet

from tandem.integrations.slack.models import SlackChannelLink, SlackInbound
from tandem.integrations.slack.services.people import people_in_slack_count
from tandem.integrations.teams.models import TeamsInbound, TeamsTeamLink
from tandem.integrations.teams.services.people import people_in_teams_count
from tandem.programs.models import Program


def people_in_slack() -> tuple[int, int]:
    return people_in_slack_count()


def channel_links() -> QuerySet[SlackChannelLink]:
    return SlackChannelLink.objects.select_related("program").order_by("program__name")


def channel_link(program: Program) -> SlackChannelLink | None:
    return SlackChannelLink.objects.filter(program=program).first()


def recent_inbound(limit: int = 20) -> list[SlackInbound]:
    return list(SlackInbound.objects.order_by("-received_at")[:limit])


def people_in_teams() -> tuple[int, int]:
    return people_in_teams_count()


def recent_teams_inbound(limit: int = 20) -> list[TeamsInbound]:
    return list(TeamsInbound.objects.order_by("-received_at")[:limit])


def team_link(program: Program) -> TeamsTeamLink | None:
    return TeamsTeamLink.objects.filter(program=program).first()

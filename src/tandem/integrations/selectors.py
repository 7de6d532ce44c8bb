"""Reads for the integrations' pages."""

from __future__ import annotations

from django.db.models import QuerySet

from tandem.integrations.slack.models import SlackChannelLink, SlackInbound
from tandem.integrations.slack.services.people import people_in_slack_count
from tandem.programs.models import Program


def people_in_slack() -> tuple[int, int]:
    return people_in_slack_count()


def channel_links() -> QuerySet[SlackChannelLink]:
    return SlackChannelLink.objects.select_related("program").order_by("program__name")


def channel_link(program: Program) -> SlackChannelLink | None:
    return SlackChannelLink.objects.filter(program=program).first()


def recent_inbound(limit: int = 20) -> list[SlackInbound]:
    return list(SlackInbound.objects.order_by("-received_at")[:limit])

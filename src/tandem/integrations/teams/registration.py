"""Teams' place in the channel layer: the channel and its Adaptive Card renderer."""

from __future__ import annotations

from tandem.integrations.teams.cards import render_adaptive_card
from tandem.integrations.teams.channel import TeamsChannel
from tandem.notify.channels import register_channel, register_renderer


def register() -> None:
    register_channel(TeamsChannel())
    register_renderer("teams", render_adaptive_card)

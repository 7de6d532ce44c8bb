"""Slack's place in the channel layer: the channel and its Block Kit renderer."""

from __future__ import annotations

from tandem.integrations.slack.blocks import render_block_kit
from tandem.integrations.slack.channel import SlackChannel
from tandem.notify.channels import register_channel, register_renderer


def register() -> None:
    register_channel(SlackChannel())
    register_renderer("slack", render_block_kit)

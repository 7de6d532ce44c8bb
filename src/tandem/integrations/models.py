"""The integrations' tables; each integration keeps its models in its own module."""

from tandem.integrations.slack.models import (
    SlackChannelLink,
    SlackConversation,
    SlackIdentity,
    SlackInbound,
)

__all__ = ["SlackChannelLink", "SlackConversation", "SlackIdentity", "SlackInbound"]

"""The integrations' tables; each integration keeps its models in its own module."""

from tandem.integrations.slack.models import (
    SlackChannelLink,
    SlackConversation,
    SlackIdentity,
    SlackInbound,
)
from tandem.integrations.teams.models import (
    TeamsCard,
    TeamsConversation,
    TeamsIdentity,
    TeamsInbound,
    TeamsTeamLink,
)

__all__ = [
    "SlackChannelLink",
    "SlackConversation",
    "SlackIdentity",
    "SlackInbound",
    "TeamsCard",
    "TeamsConversation",
    "TeamsIdentity",
    "TeamsInbound",
    "TeamsTeamLink",
]

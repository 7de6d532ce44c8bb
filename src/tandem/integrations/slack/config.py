"""Slack settings as one value (read from Django settings, which read the environment)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

# What the bot needs, with the reason shown on the admin page and in the README.
BOT_SCOPES: dict[str, str] = {
    "chat:write": "post introductions, check-ins and reminders",
    "im:write": "open a direct conversation with one person",
    "mpim:write": "open the group conversation of a pair or circle",
    "users:read": "read member profiles (needed with users:read.email)",
    "users:read.email": "find people by their work email (users.lookupByEmail)",
    "channels:read": "read the members of a public channel linked to a coffee rotation",
    "groups:read": "read the members of a private channel linked to a coffee rotation",
    "commands": "the /tandem slash command",
}
BOT_EVENTS = ("member_joined_channel", "member_left_channel", "user_change")
SLASH_COMMAND = "/tandem"


@dataclass(frozen=True)
class SlackSettings:
    bot_token: str
    signing_secret: str
    app_token: str
    api_url: str

    @property
    def configured(self) -> bool:
        """Enough to post messages (token) and to trust what Slack sends (secret or Socket Mode)."""
        return bool(self.bot_token) and bool(self.signing_secret or self.app_token)

    @property
    def socket_mode(self) -> bool:
        return bool(self.app_token)

    @property
    def is_slack(self) -> bool:
        """Whether the Web API is Slack's own (and not a local stand-in)."""
        return self.api_url.startswith("https://slack.com/")


def slack_settings() -> SlackSettings:
    return SlackSettings(
        bot_token=settings.SLACK_BOT_TOKEN,
        signing_secret=settings.SLACK_SIGNING_SECRET,
        app_token=settings.SLACK_APP_TOKEN,
        api_url=settings.SLACK_API_URL,
    )

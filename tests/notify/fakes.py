"""A chat channel for tests: records what it was asked to post, can refuse like a rate limit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from tandem.notify.channels import get_channel, register_channel, unregister_channel
from tandem.notify.outbox import PermanentDeliveryError, TemporaryDeliveryError


@dataclass
class RecordingChannel:
    name: str = "slack"
    configured: bool = True
    directory: dict[str, str] = field(default_factory=dict)  # email -> chat id
    posted: list[tuple[str, dict]] = field(default_factory=list)
    rate_limit: float | None = None
    broken: bool = False

    def is_configured(self) -> bool:
        return self.configured

    def resolve(self, user_id: int, email: str) -> str | None:
        return self.directory.get(email)

    def deliver(self, message) -> str:
        if self.rate_limit is not None:
            raise TemporaryDeliveryError("ratelimited", retry_after=self.rate_limit)
        if self.broken:
            raise PermanentDeliveryError("channel_not_found")
        self.posted.append((message.recipient, message.payload))
        return f"D1:{len(self.posted)}"


@contextmanager
def standing_in_for(channel: RecordingChannel) -> Iterator[RecordingChannel]:
    """Register ``channel`` for the test and put back whatever was registered before (the real
    Slack channel the integrations app registers), so later tests see the app as it is."""
    previous = get_channel(channel.name)
    register_channel(channel)
    try:
        yield channel
    finally:
        unregister_channel(channel.name)
        if previous is not None:
            register_channel(previous)

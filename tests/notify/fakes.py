"""A chat channel for tests: records what it was asked to post, can refuse like a rate limit."""

from __future__ import annotations

from dataclasses import dataclass, field

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

"""The registry of delivery channels and of per-channel renderers.

Email is built in (``tandem.notify.outbox``). Chat integrations sit higher in the layer map and
register themselves in their ``AppConfig.ready()``::

    register_channel(SlackChannel())
    register_renderer("slack", render_block_kit)

A channel that is not registered or not configured, or a person it cannot find, makes the
outbox fall back to email and record why (``OutboxMessage.fallback_reason``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from tandem.notify.messages import Message

if TYPE_CHECKING:
    from tandem.notify.models import OutboxMessage

__all__ = [
    "ChatChannel",
    "Renderer",
    "channel_label",
    "configured_channels",
    "get_channel",
    "register_channel",
    "register_renderer",
    "render_for",
    "unregister_channel",
]

LABELS = {"email": "Email", "slack": "Slack", "teams": "Microsoft Teams"}


@runtime_checkable
class ChatChannel(Protocol):
    """A chat tool that can deliver a rendered message to one person."""

    name: str

    def is_configured(self) -> bool:
        """True when the installation has the credentials this channel needs."""
        ...

    def resolve(self, user_id: int, email: str) -> str | None:
        """The person's address in the channel (e.g. a Slack user id), None if not found."""
        ...

    def deliver(self, message: OutboxMessage) -> str:
        """Post ``message.payload`` to ``message.recipient``; return the remote id.

        Raise ``tandem.notify.outbox.TemporaryDeliveryError(retry_after=…)`` to be retried (429,
        5xx, timeouts) or ``PermanentDeliveryError`` for errors a retry cannot fix.
        """
        ...


Renderer = Callable[[Message], dict[str, Any]]

_CHANNELS: dict[str, ChatChannel] = {}
_RENDERERS: dict[str, Renderer] = {}


def register_channel(channel: ChatChannel) -> None:
    if channel.name == "email":
        raise ValueError("email is built in")
    _CHANNELS[channel.name] = channel


def unregister_channel(name: str) -> None:
    """Remove a channel (tests, or an integration switched off at runtime)."""
    _CHANNELS.pop(name, None)


def get_channel(name: str) -> ChatChannel | None:
    return _CHANNELS.get(name)


def configured_channels() -> list[str]:
    """The chat channels people can choose right now, in a stable order."""
    return sorted(name for name, channel in _CHANNELS.items() if channel.is_configured())


def channel_label(name: str) -> str:
    return LABELS.get(name, name.title())


def register_renderer(name: str, renderer: Renderer) -> None:
    _RENDERERS[name] = renderer


def render_for(channel_name: str, message: Message) -> dict[str, Any]:
    """The JSON payload stored on the outbox row for ``channel_name``.

    Channels without a renderer get a neutral form (title, text, buttons, link) that any
    integration can post as it likes.
    """
    renderer = _RENDERERS.get(channel_name)
    if renderer is not None:
        return renderer(message)
    return neutral_payload(message)


def neutral_payload(message: Message) -> dict[str, Any]:
    return {
        "kind": message.kind,
        "category": str(message.category),
        "title": message.title,
        "text": message.text,
        "buttons": [
            {
                "label": b.label,
                "action": b.action,
                "value": b.value,
                "url": b.url,
                "style": b.style,
            }
            for b in message.buttons
        ],
        "link_url": message.link_url,
        "link_label": message.link_label,
    }

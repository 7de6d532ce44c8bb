"""A message kind written once and rendered per channel (email, Slack, Teams).

notify knows no domain model: the owning app fills in the title, text, buttons and link; each
channel's renderer (``tandem.notify.channels.register_renderer``) turns it into its own payload.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tandem.notify.models import Category

__all__ = ["LOW_PRIORITY", "Button", "ButtonStyle", "Category", "Message"]

ButtonStyle = Literal["primary", "danger"] | None

# Kinds of these categories may wait for the weekly digest when a person asks for it.
LOW_PRIORITY = frozenset({Category.NUDGES, Category.PROGRAM_NEWS})


@dataclass(frozen=True)
class Button:
    """An answer the reader can give from the message itself.

    ``action`` names a handler registered with ``tandem.notify.actions.register_action``;
    ``value`` is an opaque string that handler parses (e.g. ``"12:yes"``). A button with only a
    ``url`` (and an empty ``action``) is a plain link.
    """

    label: str
    action: str = ""
    value: str = ""
    url: str | None = None
    style: ButtonStyle = None

    def __post_init__(self) -> None:
        if not self.action and not self.url:
            raise ValueError("a button needs an action or a url")


@dataclass(frozen=True)
class Message:
    """One notification kind, channel-neutral. ``text`` is plain text with light markdown:
    ``*bold*`` and bare links; each channel renders it its own way."""

    kind: str
    category: Category | str
    title: str
    text: str
    buttons: tuple[Button, ...] = ()
    link_url: str = ""
    link_label: str = ""
    urgent: bool = False  # delivered inside quiet hours / pauses (e.g. a meeting moved today)

    def __post_init__(self) -> None:
        if self.category not in Category.values:
            raise ValueError(f"unknown category {self.category!r}")

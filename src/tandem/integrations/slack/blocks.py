"""Block Kit: how a channel-neutral ``Message`` looks in Slack.

Title → header block, text → a mrkdwn section, buttons → an actions block (action ids are made
unique within the message as ``<action>#<n>``; ``action_name`` undoes that), the link → an
"Open in Tandem" link button. ``text`` is kept as the notification fallback.
"""

from __future__ import annotations

import re
from typing import Any

from tandem.notify.messages import Button, Message

HEADER_MAX = 150
SECTION_MAX = 3000
BUTTON_TEXT_MAX = 75
VALUE_MAX = 2000
LINK_ACTION = "tandem.link"

_MD_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")


def escape(text: str) -> str:
    """Slack's three control characters; everything else is literal."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn(text: str) -> str:
    """Our light markdown (``*bold*``, ``[label](url)``, bare links) as Slack mrkdwn."""
    escaped = escape(text)
    return _MD_LINK.sub(lambda m: f"<{m.group(2)}|{m.group(1)}>", escaped)


def action_name(action_id: str) -> str:
    return action_id.split("#", 1)[0]


def button_element(button: Button, index: int) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": button.label[:BUTTON_TEXT_MAX], "emoji": True},
        "action_id": f"{button.action or LINK_ACTION}#{index}",
    }
    if button.value:
        element["value"] = button.value[:VALUE_MAX]
    if button.url:
        element["url"] = button.url
    if button.style:
        element["style"] = button.style
    return element


def render_block_kit(message: Message) -> dict[str, Any]:
    """The payload stored on a Slack outbox row: ``{"text": …, "blocks": […]}``."""
    blocks: list[dict[str, Any]] = []
    if message.title:
        blocks.append(
            {"type": "header", "text": {"type": "plain_text", "text": message.title[:HEADER_MAX]}}
        )
    if message.text:
        blocks.append(section(message.text))
    buttons = list(message.buttons)
    if message.link_url:
        buttons.append(Button(label=message.link_label or "Open in Tandem", url=message.link_url))
    if buttons:
        blocks.append(
            {
                "type": "actions",
                "block_id": "answers",
                "elements": [button_element(b, i) for i, b in enumerate(buttons[:25])],
            }
        )
    fallback = f"{message.title}: {message.text}" if message.title else message.text
    return {"text": fallback[:SECTION_MAX], "blocks": blocks}


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn(text)[:SECTION_MAX]}}


def context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn(text)[:SECTION_MAX]}]}


def with_answer(blocks: list[dict[str, Any]], answer: str, *, keep_links: bool = True) -> list[Any]:
    """The same message after an answer: the answer buttons replaced by a line saying what
    happened (link buttons stay, so "Open in Tandem" still works)."""
    updated: list[dict[str, Any]] = []
    for block in blocks:
        if block.get("type") != "actions":
            updated.append(block)
            continue
        links = [e for e in block.get("elements", []) if e.get("url")] if keep_links else []
        updated.append(context(answer))
        if links:
            updated.append({**block, "elements": links})
    return updated

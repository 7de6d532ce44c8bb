"""Adaptive Cards: how a channel-neutral ``Message`` looks in Teams.

Title → a bold TextBlock, text → a wrapped TextBlock (our ``*bold*`` becomes ``**bold**``; links
stay markdown), buttons → ``Action.Execute`` (Universal Actions: the press comes back as an
``adaptiveCard/action`` invoke and is answered with the card updated in place) whose ``verb`` is
the notify action and whose ``data`` carries the same value Slack's buttons carry; the link →
``Action.OpenUrl``. ``text`` is kept as the notification fallback.
"""

from __future__ import annotations

import re
from typing import Any

from tandem.notify.messages import Button, Message

CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.4"  # Universal Actions (Action.Execute) need 1.4
TITLE_MAX = 300
TEXT_MAX = 6000
BUTTON_TEXT_MAX = 75
VALUE_MAX = 2000
MAX_ACTIONS = 6  # Teams shows at most six actions on a card

_BOLD = re.compile(r"(?<![*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![*\w])")
_PARAGRAPHS = re.compile(r"\n+")
STYLES = {"primary": "positive", "danger": "destructive"}


def markdown(text: str) -> str:
    """Our light markdown (``*bold*``, ``[label](url)``, bare links) as Adaptive Card markdown;
    line breaks are kept (a TextBlock needs a blank line or ``\\n\\n`` between paragraphs)."""
    return _PARAGRAPHS.sub("\n\n", _BOLD.sub(r"**\1**", text))


def text_block(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text[:TEXT_MAX], "wrap": True, **extra}


def action(button: Button) -> dict[str, Any]:
    if button.url and not button.action:
        return {
            "type": "Action.OpenUrl",
            "title": button.label[:BUTTON_TEXT_MAX],
            "url": button.url,
        }
    element: dict[str, Any] = {
        "type": "Action.Execute",
        "title": button.label[:BUTTON_TEXT_MAX],
        "verb": button.action,
        "data": {"action": button.action, "value": button.value[:VALUE_MAX]},
    }
    if button.style:
        element["style"] = STYLES[button.style]
    return element


def card(title: str, body: list[dict[str, Any]], buttons: list[Button]) -> dict[str, Any]:
    blocks = []
    if title:
        blocks.append(text_block(title[:TITLE_MAX], weight="Bolder", size="Medium"))
    blocks += body
    content: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "body": blocks,
    }
    if buttons:
        content["actions"] = [action(b) for b in buttons[:MAX_ACTIONS]]
    return content


def render_adaptive_card(message: Message) -> dict[str, Any]:
    """The payload stored on a Teams outbox row: ``{"text": …, "card": {AdaptiveCard}}``."""
    buttons = list(message.buttons)
    if message.link_url:
        buttons.append(Button(label=message.link_label or "Open in Tandem", url=message.link_url))
    body = [text_block(markdown(message.text))] if message.text else []
    fallback = f"{message.title}: {message.text}" if message.title else message.text
    return {"text": fallback[:TEXT_MAX], "card": card(message.title, body, buttons)}


def message_activity(payload: dict[str, Any]) -> dict[str, Any]:
    """The Bot Connector activity posting a stored payload."""
    return {
        "type": "message",
        "summary": str(payload.get("text") or "")[:250],
        "attachments": [{"contentType": CONTENT_TYPE, "content": payload.get("card") or {}}],
    }


def with_answer(content: dict[str, Any], line: str, *, keep_buttons: bool) -> dict[str, Any]:
    """The same card after an answer: a line saying what happened; the answer buttons removed
    (link buttons stay) unless others in a group chat still answer for themselves."""
    updated = {**content, "body": [*content.get("body", []), answer_block(line)]}
    if not keep_buttons:
        links = [a for a in content.get("actions", []) if a.get("type") == "Action.OpenUrl"]
        updated.pop("actions", None)
        if links:
            updated["actions"] = links
    return updated


def answer_block(line: str) -> dict[str, Any]:
    return text_block(line, isSubtle=True, spacing="Small")


def invoke_response(content: dict[str, Any]) -> dict[str, Any]:
    """The body of the HTTP answer to an ``adaptiveCard/action`` invoke: the card to show."""
    return {"statusCode": 200, "type": CONTENT_TYPE, "value": content}

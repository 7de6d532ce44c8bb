"""A button pressed in Slack (``block_actions``): who pressed it, what it means, and the message
updated in place to show the answer."""

from __future__ import annotations

import contextlib
import logging
from datetime import timedelta
from typing import Any

from tandem.accounts.models import User
from tandem.integrations.slack import blocks
from tandem.integrations.slack.client import SlackError, call
from tandem.integrations.slack.services.intro import SLOTS_ACTION
from tandem.integrations.slack.services.people import user_for_slack_id
from tandem.notify.actions import ActionResult, dispatch
from tandem.relationships.models import LIVE_STATUSES, Relationship
from tandem.relationships.selectors import suggested_slots

logger = logging.getLogger(__name__)


def handle_interaction(payload: dict[str, Any]) -> str:
    if payload.get("type") != "block_actions":
        return ""
    actions = [a for a in payload.get("actions") or [] if isinstance(a, dict)]
    if not actions:
        return ""
    action = actions[0]
    name = blocks.action_name(str(action.get("action_id") or ""))
    if name == blocks.LINK_ACTION or action.get("url"):
        return ""  # a link button: Slack opened the page, nothing to do
    slack_user = str((payload.get("user") or {}).get("id") or "")
    user = user_for_slack_id(slack_user) if slack_user else None
    if user is None:
        result = ActionResult("Tandem does not know your Slack account; ask an admin.", ok=False)
    elif name == SLOTS_ACTION:
        result = suggest_times(user, str(action.get("value") or ""))
    else:
        result = dispatch(name, user, str(action.get("value") or ""))
    _show_answer(payload, user, result, name)
    return f"{name}: {'ok' if result.ok else 'refused'}"


def suggest_times(user: User, value: str) -> ActionResult:
    """Times inside everyone's working hours (the slot finder), each in the readers' zones."""
    if not value.isdigit():
        return ActionResult("That button is broken.", ok=False)
    relationship = (
        Relationship.objects.filter(
            pk=int(value), members__person__user=user, status__in=LIVE_STATUSES
        )
        .select_related("program")
        .first()
    )
    if relationship is None:
        return ActionResult("Only the people in a live match can plan its meetings.", ok=False)
    slots = suggested_slots(relationship, duration=timedelta(minutes=45), count=3)
    if not slots:
        return ActionResult("No shared free time in the next two weeks; pick one in Tandem.")
    names = [
        m.person.user.name.split(" ")[0]
        for m in relationship.members.select_related("person__user")
    ]
    lines = []
    for slot in slots:
        local = [f"{t:%a %d %b %H:%M} ({n})" for t, n in zip(slot.local_times, names, strict=False)]
        outside = "" if slot.inside_availability else " (working hours only)"
        lines.append("• " + " = ".join(dict.fromkeys(local)) + outside)
    return ActionResult("Times that suit everyone (45 minutes):\n" + "\n".join(lines))


def _show_answer(
    payload: dict[str, Any], user: User | None, result: ActionResult, name: str
) -> None:
    container = payload.get("container") or {}
    channel = str((payload.get("channel") or {}).get("id") or container.get("channel_id") or "")
    message = payload.get("message") or {}
    ts = str(message.get("ts") or container.get("message_ts") or "")
    if not channel or not ts:
        return
    who = user.name if user is not None else "Someone"
    mark = "✅" if result.ok else "⚠️"
    line = f"{mark} {who}: {result.text}"
    old_blocks = list(message.get("blocks") or [])
    group = channel[:1] in ("G", "C") or name == SLOTS_ACTION or not result.ok
    if group:
        # Others in the conversation still answer for themselves: add the line, keep the buttons.
        at = next(
            (i for i, b in enumerate(old_blocks) if b.get("type") == "actions"), len(old_blocks)
        )
        new_blocks = [*old_blocks[:at], blocks.context(line), *old_blocks[at:]]
    else:
        new_blocks = blocks.with_answer(old_blocks, line)
    # A failed update is logged with Slack's code by the client; the answer itself is recorded.
    with contextlib.suppress(SlackError):
        call(
            "chat.update",
            channel=channel,
            ts=ts,
            text=str(message.get("text") or line),
            blocks=new_blocks,
        )

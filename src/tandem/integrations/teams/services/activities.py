"""What Teams sends (after the token was verified): button presses answered with the card
updated in place, and installations remembered so the bot can write to that person later.

Every activity is stored once under its conversation and activity id (``TeamsInbound``); a
retry gets the stored answer and changes nothing. Button presses are answered in the request
(Teams shows the returned card at once); the action itself runs the same ``notify.actions``
handler as Slack and email, in its own transaction.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from microsoft_agents.activity import Activity

from tandem.accounts.models import User
from tandem.integrations.teams import cards
from tandem.integrations.teams.client import TeamsError, post_activity, update_activity
from tandem.integrations.teams.config import teams_settings
from tandem.integrations.teams.models import (
    TeamsCard,
    TeamsIdentity,
    TeamsInbound,
    TeamsInboundStatus,
)
from tandem.integrations.teams.services import commands
from tandem.integrations.teams.services.intro import SLOTS_ACTION
from tandem.integrations.teams.services.people import user_for_aad_id
from tandem.notify.actions import ActionResult, dispatch

logger = logging.getLogger(__name__)

CARD_ACTION = "adaptiveCard/action"


@dataclass(frozen=True)
class Answer:
    """The HTTP answer for Teams: a status and an optional JSON body (an invoke response)."""

    status: int = 200
    body: dict[str, Any] | None = None


def activity_key(activity: Activity) -> str:
    conversation = activity.conversation.id if activity.conversation else ""
    return f"{conversation}:{activity.id or ''}"[:400]


def receive(activity: Activity, payload: dict[str, Any]) -> Answer:
    """Handle one verified activity exactly once."""
    if not activity.id or activity.conversation is None or activity.from_property is None:
        return Answer(400, {"error": "The activity has no id, conversation or sender."})
    tenant = _tenant(payload)
    if tenant and tenant != teams_settings().tenant_id:
        # A guest from another organisation (or another tenant's bot): not ours to act on.
        logger.info("teams activity from another tenant ignored")
        return Answer(200)
    key = activity_key(activity)
    kind = activity.type if not activity.name else f"{activity.type}:{activity.name}"
    try:
        with transaction.atomic():
            inbound = TeamsInbound.objects.create(key=key, kind=str(kind)[:40], payload=payload)
    except IntegrityError:
        TeamsInbound.objects.filter(key=key).update(retries_seen=F("retries_seen") + 1)
        stored = TeamsInbound.objects.get(key=key)
        return Answer(200, stored.response)
    try:
        result, answer = _route(activity)
    except TeamsError as exc:
        _finish(inbound, TeamsInboundStatus.FAILED, f"Teams error: {exc.code}", None)
        if activity.type != "invoke":
            return Answer(200)
        return Answer(200, _card_answer({}, f"⚠️ Tandem could not answer ({exc.code}).", False))
    except Exception:
        # Forget it, so Teams' retry is handled afresh instead of getting an empty answer.
        TeamsInbound.objects.filter(pk=inbound.pk).delete()
        raise
    _finish(
        inbound,
        TeamsInboundStatus.DONE if result else TeamsInboundStatus.IGNORED,
        result,
        answer.body,
    )
    return answer


def _tenant(payload: dict[str, Any]) -> str:
    channel_data = payload.get("channelData")
    tenant = channel_data.get("tenant") if isinstance(channel_data, dict) else None
    if isinstance(tenant, dict) and tenant.get("id"):
        return str(tenant["id"])
    conversation = payload.get("conversation")
    return str(conversation.get("tenantId") or "") if isinstance(conversation, dict) else ""


def _finish(inbound: TeamsInbound, status: str, result: str, body: dict[str, Any] | None) -> None:
    TeamsInbound.objects.filter(pk=inbound.pk).update(
        status=status, result=result[:2000], response=body
    )


def _route(activity: Activity) -> tuple[str, Answer]:
    if activity.type == "invoke" and activity.name == CARD_ACTION:
        return _card_action(activity)
    if activity.type == "message" and isinstance(activity.value, dict):
        return _submit(activity)
    if activity.type == "message" and _personal(activity):
        return _command(activity)
    if activity.type in ("installationUpdate", "conversationUpdate"):
        return _installed(activity), Answer(200)
    return "", Answer(200)


def _personal(activity: Activity) -> bool:
    conversation = activity.conversation
    return conversation is not None and (conversation.conversation_type or "") == "personal"


def _command(activity: Activity) -> tuple[str, Answer]:
    """Text typed to the bot in a 1:1 chat: answered with a card in that chat."""
    aad = str(getattr(activity.from_property, "aad_object_id", "") or "")
    user = user_for_aad_id(aad) if aad else None
    text = str(activity.text or "")
    content = commands.answer(user, text)
    conversation = activity.conversation.id if activity.conversation else ""
    post_activity(
        str(activity.service_url or ""),
        conversation,
        {**cards.message_activity({"text": "Tandem", "card": content}), "replyToId": activity.id},
    )
    verb = (text.strip().lower().split() or ["help"])[0][:20]
    return f"command {verb}" + ("" if user else " (unknown account)"), Answer(200)


def _press(activity: Activity, name: str, value: str) -> tuple[User | None, ActionResult]:
    aad = str(getattr(activity.from_property, "aad_object_id", "") or "")
    user = user_for_aad_id(aad) if aad else None
    if user is None:
        return None, ActionResult("Tandem does not know your Teams account; ask an admin.", False)
    if name == SLOTS_ACTION:
        from tandem.integrations.slack.services.interactions import suggest_times

        return user, suggest_times(user, value)
    return user, dispatch(name, user, value)


def _card_action(activity: Activity) -> tuple[str, Answer]:
    """``Action.Execute``: answered with the card to show instead of the pressed one."""
    value: dict[str, Any] = activity.value if isinstance(activity.value, dict) else {}
    raw_action = value.get("action")
    action: dict[str, Any] = raw_action if isinstance(raw_action, dict) else {}
    raw_data = action.get("data")
    data: dict[str, Any] = raw_data if isinstance(raw_data, dict) else {}
    name = str(action.get("verb") or data.get("action") or "")
    if not name:
        return "", Answer(200, _card_answer({}, "⚠️ This button no longer works.", False))
    user, result = _press(activity, name, str(data.get("value") or ""))
    content = _updated_card(activity, user, result, name)
    return f"{name}: {'ok' if result.ok else 'refused'}", Answer(
        200, cards.invoke_response(content)
    )


def _submit(activity: Activity) -> tuple[str, Answer]:
    """``Action.Submit`` (clients without Universal Actions): a message carrying the data; the
    card is updated through the Bot Connector."""
    data = activity.value if isinstance(activity.value, dict) else {}
    name = str(data.get("action") or "")
    if not name:
        return "", Answer(200)
    user, result = _press(activity, name, str(data.get("value") or ""))
    content = _updated_card(activity, user, result, name)
    posted = _posted(activity)
    if posted is not None:
        # A failed update is logged with Microsoft's code by the client; the answer is recorded.
        with contextlib.suppress(TeamsError):
            update_activity(
                posted.service_url,
                posted.conversation_id,
                posted.activity_id,
                {**cards.message_activity({"card": content}), "id": posted.activity_id},
            )
    return f"{name}: {'ok' if result.ok else 'refused'}", Answer(200)


def _posted(activity: Activity) -> TeamsCard | None:
    conversation = activity.conversation.id if activity.conversation else ""
    if not activity.reply_to_id:
        return None
    return TeamsCard.objects.filter(
        conversation_id=conversation, activity_id=activity.reply_to_id
    ).first()


def _updated_card(
    activity: Activity, user: User | None, result: ActionResult, name: str
) -> dict[str, Any]:
    who = user.name if user is not None else "Someone"
    line = f"{'✅' if result.ok else '⚠️'} {who}: {result.text}"
    with transaction.atomic():
        conversation = activity.conversation.id if activity.conversation else ""
        posted = (
            TeamsCard.objects.select_for_update()
            .filter(conversation_id=conversation, activity_id=activity.reply_to_id or "")
            .first()
        )
        if posted is None:
            return cards.with_answer(cards.card("Tandem", [], []), line, keep_buttons=False)
        # In a group chat the others still answer for themselves: add the line, keep buttons.
        keep = posted.group or name == SLOTS_ACTION or not result.ok
        content = cards.with_answer(posted.card, line, keep_buttons=keep)
        posted.card = content
        posted.save(update_fields=["card"])
    return content


def _card_answer(content: dict[str, Any], line: str, keep: bool) -> dict[str, Any]:
    base = content or cards.card("Tandem", [], [])
    return cards.invoke_response(cards.with_answer(base, line, keep_buttons=keep))


def _installed(activity: Activity) -> str:
    """Tandem added to someone's personal scope: remember the chat and where to post in it."""
    conversation = activity.conversation
    if conversation is None or (conversation.conversation_type or "personal") != "personal":
        return ""
    aad = str(getattr(activity.from_property, "aad_object_id", "") or "")
    if not aad or not activity.service_url:
        return ""
    updated = TeamsIdentity.objects.filter(aad_object_id=aad).update(
        chat_id=conversation.id, service_url=activity.service_url, error=""
    )
    return "personal chat remembered" if updated else ""

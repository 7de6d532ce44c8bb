"""Slack as a notify channel: resolve people to member ids, deliver rendered Block Kit.

``recipient`` on a Slack outbox row is one member id (a direct message) or several joined with
commas (the group conversation of a pair or circle, at most 8). Delivery opens (or resumes) that
conversation with ``conversations.open`` and posts with ``chat.postMessage``; the remote id is
``<channel>:<ts>``, which is what ``chat.update`` needs later.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from tandem.integrations.slack.client import SlackError, SlackRateLimited, call, web_client
from tandem.integrations.slack.config import slack_settings
from tandem.integrations.slack.models import SlackConversation, SlackIdentity
from tandem.notify.models import OutboxMessage
from tandem.notify.outbox import PermanentDeliveryError, TemporaryDeliveryError

logger = logging.getLogger(__name__)

MAX_CONVERSATION = 8  # conversations.open takes 1–8 users (the bot makes it 9)


class SlackChannel:
    name = "slack"

    def is_configured(self) -> bool:
        return slack_settings().configured

    def resolve(self, user_id: int, email: str) -> str | None:
        """The remembered member id; no network here (this runs inside the caller's
        transaction). Someone never looked up is looked up in a task, so the next message
        finds them; until then they get email ("not found in Slack")."""
        identity, created = SlackIdentity.objects.get_or_create(user_id=user_id)
        changed = bool(identity.email_checked) and identity.email_checked.lower() != email.lower()
        if created or changed:  # ask Slack in a task; until then, email
            from tandem.integrations.slack.tasks import look_up_user

            transaction.on_commit(lambda: look_up_user.enqueue(user_id))
        return None if changed else (identity.slack_user_id or None)

    def deliver(self, message: OutboxMessage) -> str:
        payload: dict[str, Any] = dict(message.payload or {})
        users = [u for u in message.recipient.split(",") if u]
        if not users or len(users) > MAX_CONVERSATION:
            raise PermanentDeliveryError(f"cannot open a conversation with {len(users)} people")
        try:
            client = web_client()
            opened = call("conversations.open", client, users=",".join(users))
            channel = str(opened["channel"]["id"])
            posted = call(
                "chat.postMessage",
                client,
                channel=channel,
                text=str(payload.get("text") or message.subject),
                blocks=payload.get("blocks") or None,
                unfurl_links=False,
            )
        except SlackRateLimited as exc:
            raise TemporaryDeliveryError(str(exc), retry_after=exc.retry_after) from None
        except SlackError as exc:
            if exc.temporary:
                raise TemporaryDeliveryError(str(exc)) from None
            raise PermanentDeliveryError(str(exc)) from None
        ts = str(posted["ts"])
        relationship_id = (payload.get("tandem") or {}).get("relationship_id")
        if relationship_id:
            SlackConversation.objects.update_or_create(
                relationship_id=int(relationship_id),
                defaults={"channel_id": channel, "intro_ts": ts},
            )
        return f"{channel}:{ts}"

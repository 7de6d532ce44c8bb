"""Teams as a notify channel: resolve people to Entra object ids, deliver Adaptive Cards.

``recipient`` on a Teams outbox row is one object id (the bot's 1:1 chat with that person) or
several joined with commas (the group chat of a pair or circle, created through Graph). The card
is posted through the Bot Connector; the remote id is ``<chat id>|<activity id>`` and the card is
remembered (``TeamsCard``) so a button press can answer with it updated.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from tandem.integrations.teams import cards
from tandem.integrations.teams.client import TeamsError, TeamsRateLimited, post_activity
from tandem.integrations.teams.config import teams_settings
from tandem.integrations.teams.models import TeamsCard, TeamsIdentity
from tandem.integrations.teams.services.chats import group_chat
from tandem.integrations.teams.services.people import personal_chat
from tandem.notify.models import OutboxMessage
from tandem.notify.outbox import PermanentDeliveryError, TemporaryDeliveryError

logger = logging.getLogger(__name__)

MAX_GROUP = 8  # the same bound as Slack: a pair or a circle, never a crowd
UNREACHABLE = "unreachable:"  # prefix of TeamsIdentity.error when Tandem cannot be installed


class TeamsChannel:
    name = "teams"

    def is_configured(self) -> bool:
        return teams_settings().configured

    def resolve(self, user_id: int, email: str) -> str | None:
        """The remembered object id; no network here (this runs inside the caller's
        transaction). Someone never looked up is looked up in a task, so the next message finds
        them; until then — or when Tandem could not be installed for them — they get email."""
        identity, created = TeamsIdentity.objects.get_or_create(user_id=user_id)
        changed = bool(identity.email_checked) and identity.email_checked.lower() != email.lower()
        if created or changed:
            from tandem.integrations.teams.tasks import look_up_user

            transaction.on_commit(lambda: look_up_user.enqueue(user_id))
        if changed or identity.error.startswith(UNREACHABLE):
            return None
        return identity.aad_object_id or None

    def deliver(self, message: OutboxMessage) -> str:
        payload: dict[str, Any] = dict(message.payload or {})
        people = [p for p in message.recipient.split(",") if p]
        if not people or len(people) > MAX_GROUP:
            raise PermanentDeliveryError(f"cannot open a chat with {len(people)} people")
        tandem = payload.get("tandem") or {}
        try:
            if len(people) == 1 and not tandem.get("group"):
                chat_id, service_url = _personal(people[0])
            else:
                chat_id, service_url = group_chat(
                    people, relationship_id=tandem.get("relationship_id"), topic=message.subject
                )
            activity_id = post_activity(service_url, chat_id, cards.message_activity(payload))
        except TeamsRateLimited as exc:
            raise TemporaryDeliveryError(str(exc), retry_after=exc.retry_after) from None
        except TeamsError as exc:
            if exc.temporary:
                raise TemporaryDeliveryError(str(exc)) from None
            raise PermanentDeliveryError(str(exc)) from None
        TeamsCard.objects.update_or_create(
            conversation_id=chat_id,
            activity_id=activity_id,
            defaults={
                "service_url": service_url,
                "card": payload.get("card") or {},
                "group": len(people) > 1 or bool(tandem.get("group")),
            },
        )
        if tandem.get("relationship_id"):
            from tandem.integrations.teams.models import TeamsConversation

            TeamsConversation.objects.filter(relationship_id=int(tandem["relationship_id"])).update(
                intro_activity_id=activity_id
            )
        return f"{chat_id}|{activity_id}"


def _personal(aad_object_id: str) -> tuple[str, str]:
    identity = TeamsIdentity.objects.filter(aad_object_id=aad_object_id).first()
    if identity is None:
        raise PermanentDeliveryError("this person is no longer known in Teams")
    try:
        return personal_chat(identity)
    except TeamsError as exc:
        if exc.status in (403, 404) and exc.code != "app_not_uploaded":
            # Tandem cannot be installed for them (policy, licence): email from now on.
            TeamsIdentity.objects.filter(pk=identity.pk).update(
                error=f"{UNREACHABLE}{exc.code}"[:100]
            )
        raise

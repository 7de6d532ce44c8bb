"""Answers given from a message: button handlers registered by the apps that own the state.

``register_action("meeting.did_you_meet", handler)`` where ``handler(user, value)`` returns an
``ActionResult``. Chat integrations call ``dispatch`` after identifying the user by their chat id;
email buttons link to ``/actions/<signed>/`` (a confirm page on GET, the action on POST), the
token binding user, action and value so it cannot be altered or used by someone else.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse

from tandem.core.errors import ApplicationError

logger = logging.getLogger(__name__)

SALT = "tandem.notify.action"
MAX_AGE_SECONDS = 60 * 60 * 24 * 45  # an email button works for 45 days


@dataclass(frozen=True)
class ActionResult:
    """What to tell the person after their answer (shown in the page or posted in the chat)."""

    text: str
    ok: bool = True
    url: str = ""  # a page to continue on (e.g. the slot finder), optional


Handler = Callable[[Any, str], ActionResult]

_HANDLERS: dict[str, Handler] = {}


def register_action(name: str, handler: Handler) -> None:
    _HANDLERS[name] = handler


def registered_actions() -> list[str]:
    return sorted(_HANDLERS)


def dispatch(name: str, user: Any, value: str) -> ActionResult:
    """Run the handler; an unknown action or a value it refuses gives ``ok=False``, never an
    exception (a chat tool must always get an answer)."""
    handler = _HANDLERS.get(name)
    if handler is None:
        return ActionResult("This button no longer works.", ok=False)
    try:
        return handler(user, value)
    except ApplicationError as exc:
        return ActionResult(exc.message, ok=False)
    except (ValueError, LookupError) as exc:
        logger.info("action %s refused value %r: %s", name, value, exc)
        return ActionResult("That answer could not be recorded.", ok=False)


@dataclass(frozen=True)
class SignedAction:
    user_id: int
    action: str
    value: str
    label: str = ""


def action_token(user_id: int, action: str, value: str, label: str = "") -> str:
    data = {"u": user_id, "a": action, "v": value, "l": label}
    return signing.dumps(data, salt=SALT, compress=True)


def read_action_token(token: str) -> SignedAction | None:
    """The action a token stands for, or None if it was altered or has expired."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    return SignedAction(
        int(data["u"]), str(data.get("a", "")), str(data.get("v", "")), str(data.get("l", ""))
    )


def action_url(user_id: int, action: str, value: str, label: str = "") -> str:
    token = action_token(user_id, action, value, label)
    return settings.SITE_URL + reverse("notify_public:action", args=[token])

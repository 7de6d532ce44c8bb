"""RFC 8058 one-click unsubscribe: a signed link per (person, category).

The token binds the user id and the category, so it cannot be altered into another person's or
another category's link. It does not expire: an old email's link must keep working (RFC 8058 §4).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from tandem.notify.models import Category

SALT = "tandem.notify.unsubscribe"


@dataclass(frozen=True)
class Unsubscribe:
    user_id: int
    category: str


def unsubscribe_token(user_id: int, category: str) -> str:
    return signing.dumps({"u": user_id, "c": category}, salt=SALT, compress=True)


def unsubscribe_url(user_id: int, category: str) -> str:
    return settings.SITE_URL + reverse(
        "notify_public:unsubscribe", args=[unsubscribe_token(user_id, category)]
    )


def read_unsubscribe_token(token: str) -> Unsubscribe | None:
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    category = data.get("c")
    if category not in Category.values or category == Category.ACCOUNT:
        return None
    return Unsubscribe(int(data["u"]), str(category))

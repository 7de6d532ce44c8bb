from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from tandem.accounts.models import UserSession


@receiver(user_logged_in)
def remember_session(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is None:
        return
    if session.session_key is None:
        session.save()
    now = timezone.now().timestamp()
    session["tandem_started"] = now
    session["tandem_seen"] = now
    UserSession.objects.get_or_create(session_key=session.session_key, defaults={"user": user})


@receiver(user_logged_out)
def forget_session(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        UserSession.objects.filter(session_key=session.session_key).delete()

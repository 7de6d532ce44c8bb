from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.sessions.models import Session

from tandem.accounts import throttle
from tandem.accounts.models import UserSession
from tandem.core.periodic import periodic_job


@periodic_job(every=timedelta(hours=1), name="accounts.clean_up")
def clean_up(now: datetime) -> str:
    """Forget expired sessions and stale sign-in throttles."""
    expired = Session.objects.filter(expire_date__lt=now)
    keys = list(expired.values_list("session_key", flat=True))
    UserSession.objects.filter(session_key__in=keys).delete()
    sessions, _ = expired.delete()
    throttles = throttle.clean_up(now)
    return f"{sessions} sessions, {throttles} throttles removed"

"""Teams work queued by the channel (run by ``tandem worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def look_up_user(user_id: int) -> str:
    """Find one person in Teams by email (queued when a message found them unknown)."""
    from tandem.accounts.models import User
    from tandem.integrations.teams.client import TeamsError
    from tandem.integrations.teams.services.people import identity_lookup

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return "no such user"
    try:
        identity = identity_lookup(user)
    except TeamsError as exc:
        return f"failed: {exc.code}"
    return "found" if identity.found else "not found"

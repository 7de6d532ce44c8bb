"""Slack work queued by the endpoints and the Socket Mode runner (run by ``tandem worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def handle_inbound(inbound_id: int) -> str:
    from tandem.integrations.slack.services.handling import inbound_handle

    return inbound_handle(inbound_id)


@task()
def look_up_user(user_id: int) -> str:
    """Find one person in Slack by email (queued when a message found them unknown)."""
    from tandem.accounts.models import User
    from tandem.integrations.slack.client import SlackError
    from tandem.integrations.slack.services.people import identity_lookup

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return "no such user"
    try:
        identity = identity_lookup(user)
    except SlackError as exc:
        return f"failed: {exc.code}"
    return "found" if identity.found else "not found"

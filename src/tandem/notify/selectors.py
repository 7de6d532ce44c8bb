from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from tandem.core.errors import NotFound
from tandem.notify.models import OutboxMessage, Status
from tandem.notify.outbox import render_row


def outbox_counts() -> dict[str, int]:
    return OutboxMessage.objects.aggregate(
        pending=Count("id", filter=Q(status__in=[Status.PENDING, Status.SENDING])),
        sent=Count("id", filter=Q(status=Status.SENT)),
        failed=Count("id", filter=Q(status=Status.FAILED)),
    )


def outbox_messages(
    *, status: str = "", kind: str = "", search: str = "", channel: str = ""
) -> QuerySet[OutboxMessage]:
    messages = OutboxMessage.objects.all()
    if status:
        messages = messages.filter(status=status)
    if channel == "fallback":
        messages = messages.exclude(fallback_reason="")
    elif channel:
        messages = messages.filter(channel=channel)
    if kind:
        messages = messages.filter(kind=kind)
    if search:
        messages = messages.filter(Q(recipient__icontains=search) | Q(subject__icontains=search))
    return messages


def outbox_message(message_id: int) -> OutboxMessage:
    """One message of the outbox (the views check that the viewer is an admin); one that is
    rendered when sent is shown as it will be written."""
    message = OutboxMessage.objects.filter(pk=message_id).first()
    if message is None:
        raise NotFound()
    return render_row(message)


def failed_message_ids() -> list[int]:
    return list(OutboxMessage.objects.filter(status=Status.FAILED).values_list("id", flat=True))

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from tandem.notify.models import OutboxMessage, Status


def outbox_counts() -> dict[str, int]:
    return OutboxMessage.objects.aggregate(
        pending=Count("id", filter=Q(status__in=[Status.PENDING, Status.SENDING])),
        sent=Count("id", filter=Q(status=Status.SENT)),
        failed=Count("id", filter=Q(status=Status.FAILED)),
    )


def outbox_messages(
    *, status: str = "", kind: str = "", search: str = ""
) -> QuerySet[OutboxMessage]:
    messages = OutboxMessage.objects.all()
    if status:
        messages = messages.filter(status=status)
    if kind:
        messages = messages.filter(kind=kind)
    if search:
        messages = messages.filter(Q(recipient__icontains=search) | Q(subject__icontains=search))
    return messages

from __future__ import annotations

from django.db.models import QuerySet

from tandem.audit.models import AuditEntry


def audit_entries(*, action: str = "", actor_email: str = "") -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.all()
    if action:
        entries = entries.filter(action__startswith=action)
    if actor_email:
        entries = entries.filter(actor_email__iexact=actor_email.strip())
    return entries

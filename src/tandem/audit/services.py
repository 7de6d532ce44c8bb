"""``log_action``: the one way to write the audit trail (bulk-capable, inside the caller's
transaction so an action and its audit entry commit or roll back together)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.http import HttpRequest

from tandem.audit.models import AuditEntry
from tandem.core.requests import client_ip


def _target_fields(target: models.Model | None) -> dict[str, str]:
    if target is None:
        return {}
    return {
        "target_type": target._meta.label_lower,
        "target_id": str(target.pk),
        "target_label": str(target)[:300],
    }


def audit_entry(
    action: str,
    *,
    actor: Any = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEntry:
    actor = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry(
        action=action,
        actor=actor,
        actor_email=actor.email if actor else "",
        data=data or {},
        ip=client_ip(request) if request is not None else "",
        **_target_fields(target),
    )


def log_action(
    action: str,
    *,
    actor: Any = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEntry:
    entry = audit_entry(action, actor=actor, target=target, data=data, request=request)
    entry.save()
    return entry


def log_actions(entries: Iterable[AuditEntry]) -> None:
    AuditEntry.objects.bulk_create(list(entries), batch_size=1000)

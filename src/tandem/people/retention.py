"""Retention: how long each category of personal data is kept, and the job that applies it.

The categories are registered by the apps that own the data (``core.personal_data``); an admin
sets the days on the retention page (a ``RetentionSetting`` per category, the documented default
otherwise). Each run writes one audit entry with what it removed, per category and table.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.audit.models import AuditEntry
from tandem.audit.services import log_action
from tandem.core.personal_data import RetentionCategory, retention_categories
from tandem.people.models import RetentionSetting

APPLIED = "privacy.retention_applied"
MAX_DAYS = 36500


def effective_days() -> dict[str, int | None]:
    stored = {s.category: s.days for s in RetentionSetting.objects.all()}
    return {c.key: stored.get(c.key, c.default_days) for c in retention_categories()}


def categories_with_days() -> list[tuple[RetentionCategory, int | None]]:
    days = effective_days()
    return [(c, days[c.key]) for c in retention_categories()]


@transaction.atomic
def retention_settings_save(
    *, actor: User, values: dict[str, int | None], request: Any = None
) -> None:
    known = {c.key for c in retention_categories()}
    changed = {}
    before = effective_days()
    for key, days in values.items():
        if key not in known:
            continue
        RetentionSetting.objects.update_or_create(
            category=key, defaults={"days": days, "updated_at": timezone.now()}
        )
        if before.get(key) != days:
            changed[key] = {"from": before.get(key), "to": days}
    if changed:
        log_action("privacy.retention_changed", actor=actor, request=request, data=changed)


def apply_retention(now: datetime) -> dict[str, dict[str, int]]:
    """Apply every category with a period; each in its own transaction. Returns (and audits)
    what was removed, per category and table, zeros left out."""
    report: dict[str, dict[str, int]] = {}
    for category, days in categories_with_days():
        if days is None:
            continue
        with transaction.atomic():
            counts = {k: n for k, n in category.apply(now, days).items() if n}
        if counts:
            report[category.key] = counts
    log_action(APPLIED, data={"removed": report, "at": now.isoformat()})
    return report


def recent_reports(limit: int = 10) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=APPLIED).order_by("-at", "-id")[:limit])

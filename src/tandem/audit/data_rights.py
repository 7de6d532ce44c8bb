"""Audit entries about a person or by them (``core.personal_data``).

Erasure keeps the entries (accountability) but makes them point at the pseudonym: the actor's
email and the target label of entries about the person are rewritten; the final scrub of
``core.personal_data`` catches any other mention.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet

from tandem.audit.models import AuditEntry
from tandem.core.personal_data import (
    RetentionCategory,
    Section,
    Subject,
    register,
    register_retention,
)


def about(subject: Subject) -> QuerySet[AuditEntry]:
    targets = Q(target_type="accounts.user", target_id=str(subject.user_id))
    if subject.person_id is not None:
        targets |= Q(target_type="people.person", target_id=str(subject.person_id))
    return AuditEntry.objects.filter(targets)


def export(subject: Subject) -> dict[str, Section]:
    by = AuditEntry.objects.filter(actor_id=subject.user_id)
    return {
        "about_you": Section(
            "Audit entries about you",
            "Who did what to your account or profile, and who read your record.",
            [
                {"at": e.at, "by": e.actor_email or "system", "action": e.action, "data": e.data}
                for e in about(subject).order_by("at", "pk")
            ],
        ),
        "by_you": Section(
            "Audit entries of what you did",
            "Actions the audit trail recorded under your account.",
            [
                {"at": e.at, "action": e.action, "target": e.target_type, "target_id": e.target_id}
                for e in by.order_by("at", "pk")
            ],
        ),
    }


def erase(subject: Subject) -> dict[str, int]:
    by = AuditEntry.objects.filter(actor_id=subject.user_id).update(
        actor_email=subject.pseudonym, ip=""
    )
    if subject.email:
        by += AuditEntry.objects.filter(actor_email__iexact=subject.email).update(
            actor_email=subject.pseudonym, ip=""
        )
    return {
        "entries_by": by,
        "entries_about": about(subject).update(target_label=subject.pseudonym),
    }


register("audit", export=export, erase=erase, order=95)


def retain_audit(now: datetime, days: int) -> dict[str, int]:
    return {"entries": AuditEntry.objects.filter(at__lt=now - timedelta(days=days)).delete()[0]}


register_retention(
    RetentionCategory(
        key="audit",
        label="Audit entries",
        description="The audit trail, counted from each entry's date.",
        default_days=730,
        apply=retain_audit,
        order=90,
    )
)

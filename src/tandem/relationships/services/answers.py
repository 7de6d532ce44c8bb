"""Answering a match: accept, decline (which ends it through the one end path), ask
confidentially to be re-paired; reminders and coordinator alerts when nobody answers."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, NotFound
from tandem.notify.outbox import enqueue
from tandem.relationships import emails
from tandem.relationships.models import (
    LIVE_STATUSES,
    EndReason,
    Membership,
    Relationship,
    RelationshipStatus,
    RepairRequest,
)
from tandem.relationships.services.checkins import answer_intro
from tandem.relationships.services.common import membership_of
from tandem.relationships.services.lifecycle import end_relationship


def _own_membership(actor: User, membership: Membership) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .select_related("relationship__program", "person")
        .get(pk=membership.pk)
    )
    if membership.person.user_id != actor.pk:
        raise NotFound()
    if membership.relationship.status not in LIVE_STATUSES:
        raise ApplicationError("This match has already ended.")
    return membership


@transaction.atomic
def membership_accept(*, actor: User, membership: Membership) -> Relationship:
    """Accept a proposed match; when everyone has, it starts and everyone is told."""
    membership = _own_membership(actor, membership)
    relationship = membership.relationship
    if membership.declined_at:
        raise ApplicationError("You already declined this match.")
    now = timezone.now()
    membership.accepted_at = membership.accepted_at or now
    membership.save(update_fields=["accepted_at"])
    answer_intro(membership=membership, accepted=True, now=now)
    others_pending = relationship.members.filter(accepted_at__isnull=True).exclude(pk=membership.pk)
    if relationship.status == RelationshipStatus.PROPOSED and not others_pending.exists():
        relationship.status = RelationshipStatus.ACTIVE
        relationship.activated_at = now
        relationship.save(update_fields=["status", "activated_at"])
        enqueue(
            [
                emails.match_started_email(relationship=relationship, membership=m)
                for m in relationship.members.select_related("person__user")
            ]
        )
    log_action("matching.accepted", actor=actor, target=relationship)
    return relationship


@transaction.atomic
def membership_decline(*, actor: User, membership: Membership, reason: str = "") -> Relationship:
    """Decline a match: it ends for everyone in it, and they return to the re-match pool."""
    membership = _own_membership(actor, membership)
    membership.declined_at = timezone.now()
    membership.decline_reason = reason.strip()[:2000]
    membership.save(update_fields=["declined_at", "decline_reason"])
    answer_intro(membership=membership, accepted=False, now=membership.declined_at)
    return end_relationship(
        membership.relationship, reason=EndReason.DECLINED, by=actor, declined_by=membership
    )


@transaction.atomic
def repair_request(*, actor: User, relationship: Relationship, reason: str) -> RepairRequest:
    """A confidential request to be re-paired; the partner is not told who asked or why."""
    membership = membership_of(actor, relationship)
    if relationship.status not in LIVE_STATUSES:
        raise ApplicationError("This match has already ended.")
    request = RepairRequest.objects.create(
        relationship=relationship, requested_by=membership.person, reason=reason.strip()[:4000]
    )
    enqueue(
        [
            emails.repair_requested_email(request=request, coordinator=c)
            for c in relationship.program.coordinators.all()
        ]
    )
    log_action("matching.repair_requested", actor=actor, target=relationship)
    return request


def answer_deadlines(*, today: date) -> tuple[int, int]:
    """Remind people who have not answered by their date; two days later, alert coordinators."""
    pending = Membership.objects.filter(
        relationship__status=RelationshipStatus.PROPOSED,
        accepted_at__isnull=True,
        declined_at__isnull=True,
        respond_by__isnull=False,
    ).select_related("person__user", "relationship__program")
    reminded = escalated = 0
    for membership in pending.filter(respond_by__lt=today, reminded_at__isnull=True):
        with transaction.atomic():
            if Membership.objects.filter(pk=membership.pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            ):
                enqueue([emails.match_answer_reminder_email(membership=membership)])
                reminded += 1
    for membership in pending.filter(
        respond_by__lt=today - timedelta(days=2), escalated_at__isnull=True
    ):
        with transaction.atomic():
            if Membership.objects.filter(pk=membership.pk, escalated_at__isnull=True).update(
                escalated_at=timezone.now()
            ):
                enqueue(
                    [
                        emails.match_unanswered_alert_email(membership=membership, coordinator=c)
                        for c in membership.relationship.program.coordinators.all()
                    ]
                )
                escalated += 1
    return reminded, escalated

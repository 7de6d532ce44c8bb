"""Demo notifications: varied preferences (some people on Slack, which falls back to email with
"Slack not configured" until the Slack app is connected), answered "did you meet?" history, a
snoozed coffee drinker and a pair under the ghost rule."""

from __future__ import annotations

import random
from datetime import time, timedelta

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from tandem.matches.models import RotationStanding
from tandem.notify.models import NotificationPreference
from tandem.people.models import Person, PersonStatus
from tandem.programs.models import Program
from tandem.relationships.models import (
    Checkin,
    CheckinAnswer,
    MeetingStatus,
    Membership,
    Relationship,
    RelationshipStatus,
)
from tandem.relationships.services.checkins import GRACE, ask_did_you_meet, ghost_rule

WORKDAYS = [0, 1, 2, 3, 4]


def seed_notifications(
    *, pilot: Program, coffee: Program, participant_email: str, seed: int = 12
) -> None:
    rng = random.Random(seed)
    _preferences(participant_email, rng)
    _answered_intros()
    _checkin_history(pilot, participant_email, rng)
    _snoozed(coffee)
    ghost_rule(now=timezone.now())  # the quiet member of one pilot pair


def _preferences(participant_email: str, rng: random.Random) -> None:
    people = list(
        Person.objects.filter(status=PersonStatus.ACTIVE)
        .exclude(user__email=participant_email)
        .values_list("user_id", flat=True)
        .order_by("user_id")
    )
    rows = []
    for user_id in people:
        roll = rng.random()
        if roll < 0.18:  # the Slack crowd
            channels = {"matches": "slack", "meetings": "slack", "nudges": "slack"}
            rows.append(NotificationPreference(user_id=user_id, channels=channels))
        elif roll < 0.26:  # protect the evenings
            rows.append(
                NotificationPreference(
                    user_id=user_id,
                    quiet_start=time(19),
                    quiet_end=time(8),
                    working_days=WORKDAYS,
                )
            )
        elif roll < 0.31:
            rows.append(NotificationPreference(user_id=user_id, low_priority="weekly"))
        elif roll < 0.33:
            rows.append(
                NotificationPreference(
                    user_id=user_id, channels={"nudges": "off", "program_news": "off"}
                )
            )
        elif roll < 0.34:
            rows.append(
                NotificationPreference(
                    user_id=user_id, paused_until=timezone.localdate() + timedelta(days=19)
                )
            )
    NotificationPreference.objects.bulk_create(rows)
    # The demo participant reads meetings in Slack and keeps evenings free.
    participant = Person.objects.get(user__email=participant_email)
    NotificationPreference.objects.create(
        user_id=participant.user_id,
        channels={"meetings": "slack"},
        quiet_start=time(20),
        quiet_end=time(7, 30),
        working_days=WORKDAYS,
    )


def _checkin_history(pilot: Program, participant_email: str, rng: random.Random) -> None:
    """Each past meeting of the pilot was followed by "did you meet?"; most people answered."""
    relationships = list(
        Relationship.objects.filter(program=pilot, status=RelationshipStatus.ACTIVE)
        .prefetch_related("members__person__user", "meetings")
        .order_by("pk")
    )
    ghosted = next(
        (
            r
            for r in relationships
            if len([m for m in r.meetings.all() if m.status != MeetingStatus.SCHEDULED]) >= 3
            and all(
                m.ends_at < timezone.now() - GRACE
                for m in r.meetings.all()
                if m.status != MeetingStatus.SCHEDULED
            )
            and not r.members.filter(person__user__email=participant_email).exists()
        ),
        None,
    )
    for relationship in relationships:
        members = list(relationship.members.all())
        past = sorted(
            (m for m in relationship.meetings.all() if m.status != MeetingStatus.SCHEDULED),
            key=lambda m: m.starts_at,
        )
        for meeting in past:
            asked_at = meeting.ends_at + timedelta(hours=1)
            for membership in members:
                ask_did_you_meet(
                    membership=membership,
                    key=f"meeting:{meeting.pk}",
                    meeting=meeting,
                    now=asked_at,
                )
                if relationship is ghosted and membership is members[-1]:
                    continue  # the quiet one
                if meeting is past[-1] and rng.random() < 0.15:
                    continue  # a few people have not answered the latest one
                answer = (
                    CheckinAnswer.YES if meeting.status == MeetingStatus.HELD else CheckinAnswer.NO
                )
                Checkin.objects.filter(membership=membership, key=f"meeting:{meeting.pk}").update(
                    answer=answer, answered_at=asked_at + timedelta(hours=rng.randint(1, 30))
                )


def _answered_intros() -> None:
    """The seeded matches were published in the past and accepted (or declined) directly: their
    intros were asked when the match was made and are answered."""
    made = Membership.objects.filter(pk=OuterRef("membership_id")).values(
        "relationship__created_at"
    )[:1]
    Checkin.objects.filter(key="intro").update(asked_at=Subquery(made))
    for field, answer in (("accepted_at", CheckinAnswer.YES), ("declined_at", CheckinAnswer.NO)):
        when = Membership.objects.filter(pk=OuterRef("membership_id")).values(field)[:1]
        Checkin.objects.filter(
            key="intro", answered_at__isnull=True, **{f"membership__{field}__isnull": False}
        ).update(answered_at=Subquery(when), answer=answer)


def _snoozed(coffee: Program) -> None:
    """One coffee drinker skips the next two rounds (busy quarter)."""
    enrolment = coffee.enrolments.order_by("pk").first()
    if enrolment is not None:
        RotationStanding.objects.update_or_create(
            program=coffee, person_id=enrolment.person_id, defaults={"skip_rounds": 2}
        )

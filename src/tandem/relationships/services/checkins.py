"""The participation loop: "did you meet?", its answers, and the ghost rule.

Asked after a scheduled meeting's time (``reminders.did_you_meet_prompts``) and near the end of
a rotation round (``tandem.matches`` calls ``ask_did_you_meet``). Answers come back through
``tandem.notify.actions`` from any channel, email included: yes marks the meeting held (or
records one for a rotation pair), no marks it missed, not yet offers the slot finder. Every answer
feeds the counters, health and KPIs. Three check-ins in a row left unanswered start the ghost
rule: the person is told plainly and offered stay / ask me later / leave; their partners are
offered a new match; the coordinator sees it on the health page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.notify.actions import ActionResult, register_action
from tandem.notify.messages import Button, Category, Message
from tandem.notify.outbox import send
from tandem.programs.services.enrolment import enrolment_leave
from tandem.relationships.models import (
    LIVE_STATUSES,
    Checkin,
    CheckinAnswer,
    EndReason,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Membership,
)
from tandem.relationships.services.health import refresh_health
from tandem.relationships.services.lifecycle import end_relationship

GHOST_STREAK = 3
GRACE = timedelta(days=3)  # a check-in counts as ignored once it is this old without an answer
ASK_LATER = timedelta(days=14)

DID_YOU_MEET = "relationships.did_you_meet"
GHOST = "relationships.ghost"
REMATCH = "relationships.rematch"


def _url(name: str, *args: int) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _partners(membership: Membership) -> list[Membership]:
    return [
        m
        for m in membership.relationship.members.select_related("person__user")
        if m.pk != membership.pk
    ]


def _names(members: Sequence[Membership]) -> str:
    names = [m.person.user.name for m in members]
    return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)


def _local(moment: datetime, zone: str) -> str:
    try:
        tz = ZoneInfo(zone)
    except (KeyError, ValueError):
        tz = ZoneInfo("UTC")
    return f"{moment.astimezone(tz):%A %d %B, %H:%M}"


def ask_did_you_meet(
    *,
    membership: Membership,
    key: str,
    now: datetime,
    meeting: Meeting | None = None,
    extra_buttons: Sequence[Button] = (),
    send_after: datetime | None = None,
) -> bool:
    """Ask one member once per ``key``, inside the caller's transaction. False if already asked,
    or the member asked us to wait ("ask me later")."""
    paused = membership.checkins_paused_until
    if paused is not None and paused > now:
        return False
    checkin, created = Checkin.objects.get_or_create(
        membership=membership, key=key, defaults={"meeting": meeting, "asked_at": now}
    )
    if not created:
        return False
    partners = _partners(membership)
    person = membership.person
    relationship = membership.relationship
    if meeting is not None:
        text = (
            f"You had a meeting with {_names(partners)} on "
            f"{_local(meeting.starts_at, person.timezone)}. *Did it happen?*"
        )
    else:
        text = (
            f"This round of {relationship.program.name} ends soon. "
            f"*Did you and {_names(partners)} meet?*"
        )
    value = str(checkin.pk)
    buttons = [
        Button("Yes, we met", DID_YOU_MEET, f"{value}:yes", style="primary"),
        Button("Yes, and log it", DID_YOU_MEET, f"{value}:log"),
        Button("Not yet", DID_YOU_MEET, f"{value}:not_yet"),
        Button("No", DID_YOU_MEET, f"{value}:no", style="danger"),
        *extra_buttons,
    ]
    send(
        Message(
            kind="did_you_meet",
            category=Category.MEETINGS,
            title="Did you meet?",
            text=text,
            buttons=tuple(buttons),
            link_url=_url("relationships:detail", relationship.pk),
            link_label="Open your match",
        ),
        to=person.user,
        event_key=f"checkin:{checkin.pk}",
        send_after=send_after,
        now=now,
    )
    apply_ghost_rule(membership=membership, now=now)
    return True


# --- the ghost rule ---------------------------------------------------------------------------


def _unanswered_streak(membership: Membership, now: datetime) -> list[Checkin]:
    """The person's latest check-ins and intros in this program, if the last three they had
    time to answer (``GRACE``) are all unanswered."""
    latest = list(
        Checkin.objects.filter(
            membership__person_id=membership.person_id,
            membership__relationship__program_id=membership.relationship.program_id,
        )
        .exclude(answered_at__isnull=True, asked_at__gt=now - GRACE)  # still has time
        .order_by("-asked_at", "-id")[:GHOST_STREAK]
    )
    if len(latest) < GHOST_STREAK or any(c.answered_at for c in latest):
        return []
    if Checkin.objects.filter(
        membership__person_id=membership.person_id,
        membership__relationship__program_id=membership.relationship.program_id,
        answered_at__isnull=False,
        asked_at__gt=latest[0].asked_at,
    ).exists():
        return []  # they answered something newer
    return latest


def record_intros(*, memberships: Sequence[Membership], now: datetime) -> None:
    """An introduction that asks for an answer (accept / decline) counts like a check-in for the
    ghost rule; accepting or declining answers it."""
    Checkin.objects.bulk_create(
        [Checkin(membership=m, key="intro", asked_at=now) for m in memberships],
        ignore_conflicts=True,
    )


def answer_intro(*, membership: Membership, accepted: bool, now: datetime) -> None:
    answer = CheckinAnswer.YES if accepted else CheckinAnswer.NO
    Checkin.objects.filter(membership=membership, key="intro", answered_at__isnull=True).update(
        answered_at=now, answer=answer
    )
    if membership.ghosted_at is not None:
        _clear_streak(membership, now)


def ghost_rule(*, now: datetime) -> int:
    """The periodic pass: start the ghost rule for everyone whose streak is complete."""
    candidates = (
        Membership.objects.filter(
            ghosted_at__isnull=True,
            relationship__status__in=LIVE_STATUSES,
            checkins__answered_at__isnull=True,
            checkins__asked_at__lte=now - GRACE,
        )
        .select_related("relationship__program", "person__user")
        .distinct()
        .order_by("pk")
    )
    started = 0
    for membership in candidates:
        with transaction.atomic():
            started += apply_ghost_rule(membership=membership, now=now)
    return started


def apply_ghost_rule(*, membership: Membership, now: datetime) -> bool:
    """Start the ghost rule once when the streak is reached (inside the caller's transaction)."""
    if membership.ghosted_at is not None or not _unanswered_streak(membership, now):
        return False
    Membership.objects.filter(pk=membership.pk).update(ghosted_at=now)
    membership.ghosted_at = now
    relationship = membership.relationship
    program = relationship.program
    value = str(membership.pk)
    send(
        Message(
            kind="ghost_check",
            category=Category.NUDGES,
            title=f"Still in {program.name}?",
            text=(
                f"You have not answered the last {GHOST_STREAK} check-ins from {program.name}. "
                "That is fine — tell us what suits you: stay in the program, have us ask again "
                "in two weeks, or leave it. Your partner will be offered a new match either way "
                "if they want one."
            ),
            buttons=(
                Button("Stay", GHOST, f"{value}:stay", style="primary"),
                Button("Ask me later", GHOST, f"{value}:later"),
                Button("Leave the program", GHOST, f"{value}:leave", style="danger"),
            ),
            urgent=False,
        ),
        to=membership.person.user,
        event_key=f"ghost:{membership.pk}:{now:%Y%m%d}",
        now=now,
    )
    for partner in _partners(membership):
        send(
            Message(
                kind="partner_quiet",
                category=Category.MATCHES,
                title="Would you like a new match?",
                text=(
                    f"{membership.person.user.name} has not answered the last {GHOST_STREAK} "
                    f"check-ins in {program.name}. If you would rather meet someone else, we end "
                    "this match and you are first to be paired again."
                ),
                buttons=(Button("Find me a new match", REMATCH, str(partner.pk), style="primary"),),
                link_url=_url("relationships:detail", relationship.pk),
                link_label="Keep this match",
            ),
            to=partner.person.user,
            event_key=f"ghost:{membership.pk}:partner:{partner.pk}:{now:%Y%m%d}",
            now=now,
        )
    refresh_health(relationship, now)
    return True


def _clear_streak(membership: Membership, now: datetime) -> None:
    Checkin.objects.filter(
        membership__person_id=membership.person_id,
        membership__relationship__program_id=membership.relationship.program_id,
        answered_at__isnull=True,
    ).update(answered_at=now, answer=CheckinAnswer.RESET)
    Membership.objects.filter(pk=membership.pk).update(ghosted_at=None)


# --- answers ----------------------------------------------------------------------------------


def _parse(value: str, choices: Sequence[str]) -> tuple[int, str]:
    ident, _, answer = value.partition(":")
    if not ident.isdigit() or answer not in choices:
        raise ValueError(f"not an answer: {value!r}")
    return int(ident), answer


@transaction.atomic
def checkin_answer(*, user: User, checkin_id: int, answer: str) -> ActionResult:
    """Record a "did you meet?" answer and apply it to the meeting log, health and KPIs."""
    checkin = (
        Checkin.objects.select_for_update(of=("self",))
        .select_related("membership__relationship__program", "membership__person", "meeting")
        .filter(pk=checkin_id, membership__person__user=user)
        .first()
    )
    if checkin is None:
        raise LookupError("no such check-in for this user")
    membership = checkin.membership
    relationship = membership.relationship
    now = timezone.now()
    stored = CheckinAnswer.YES if answer == "log" else answer
    checkin.answer, checkin.answered_at = stored, now
    checkin.save(update_fields=["answer", "answered_at"])
    if membership.ghosted_at is not None:
        _clear_streak(membership, now)
    meeting = checkin.meeting
    if answer in ("yes", "log"):
        meeting = _record_held(checkin, now)
    elif answer == "no" and meeting is not None and meeting.status == MeetingStatus.SCHEDULED:
        Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.MISSED, updated_at=now)
    refresh_health(relationship, now)
    if answer == "log" and meeting is not None:
        return ActionResult(
            "Noted: you met. Log it now — it takes two minutes.",
            url=_url("relationships:meeting_log", relationship.pk, meeting.pk),
        )
    if answer == "not_yet":
        return ActionResult(
            "No problem. Pick a time that suits you both.",
            url=_url("relationships:schedule", relationship.pk),
        )
    if answer == "no":
        return ActionResult("Thanks for telling us. Maybe next time — your match is still on.")
    return ActionResult("Great, thanks! We noted that you met.")


def _record_held(checkin: Checkin, now: datetime) -> Meeting | None:
    """Mark the asked-about meeting held, or (rotation round) record the meeting they had."""
    meeting = checkin.meeting
    if meeting is not None:
        if meeting.status in (MeetingStatus.SCHEDULED, MeetingStatus.MISSED):
            Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.HELD, updated_at=now)
        return meeting
    relationship = checkin.membership.relationship
    held = relationship.meetings.filter(status=MeetingStatus.HELD).order_by("-starts_at").first()
    if held is not None:
        return held  # the partner already said so
    return Meeting.objects.create(
        relationship=relationship,
        kind=MeetingKind.REGULAR,
        starts_at=now - timedelta(hours=1),
        ends_at=now - timedelta(minutes=30),
        timezone=checkin.membership.person.timezone,
        status=MeetingStatus.HELD,
        uid=f"checkin-{checkin.pk}@tandem",
        organiser=checkin.membership.person,
    )


def did_you_meet_action(user: User, value: str) -> ActionResult:
    checkin_id, answer = _parse(value, ("yes", "log", "not_yet", "no"))
    return checkin_answer(user=user, checkin_id=checkin_id, answer=answer)


@transaction.atomic
def ghost_answer(*, user: User, membership_id: int, answer: str) -> ActionResult:
    membership = (
        Membership.objects.select_related("relationship__program", "person")
        .filter(pk=membership_id, person__user=user)
        .first()
    )
    if membership is None:
        raise LookupError("no such membership for this user")
    now = timezone.now()
    _clear_streak(membership, now)
    relationship = membership.relationship
    if answer == "later":
        Membership.objects.filter(pk=membership.pk).update(checkins_paused_until=now + ASK_LATER)
        refresh_health(relationship, now)
        return ActionResult("We will ask again in two weeks.")
    if answer == "leave":
        enrolment_leave(program=relationship.program, person_id=membership.person_id, at=now)
        if relationship.status in LIVE_STATUSES:
            end_relationship(relationship, reason=EndReason.LEFT_PROGRAM, by=user)
        name = relationship.program.name
        return ActionResult(f"You have left {name}. Thank you for taking part.")
    refresh_health(relationship, now)
    return ActionResult("Good to have you. Your match carries on.")


def ghost_action(user: User, value: str) -> ActionResult:
    membership_id, answer = _parse(value, ("stay", "later", "leave"))
    return ghost_answer(user=user, membership_id=membership_id, answer=answer)


@transaction.atomic
def rematch_answer(*, user: User, membership_id: int) -> ActionResult:
    """The partner of someone under the ghost rule asks for a new match: this one ends and they
    go back to the pool (rotations: first in line)."""
    membership = (
        Membership.objects.select_related("relationship__program")
        .filter(pk=membership_id, person__user=user)
        .first()
    )
    if membership is None:
        raise LookupError("no such membership for this user")
    relationship = membership.relationship
    if relationship.status not in LIVE_STATUSES:
        return ActionResult("This match has already ended; you are back in the pool.")
    end_relationship(relationship, reason=EndReason.REPAIR, by=user, note="Partner did not answer")
    return ActionResult("Done: this match has ended and you will be matched again soon.")


def rematch_action(user: User, value: str) -> ActionResult:
    if not value.isdigit():
        raise ValueError(f"not a membership: {value!r}")
    return rematch_answer(user=user, membership_id=int(value))


def register_actions() -> None:
    register_action(DID_YOU_MEET, did_you_meet_action)
    register_action(GHOST, ghost_action)
    register_action(REMATCH, rematch_action)

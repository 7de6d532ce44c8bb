"""RSVPs and the waitlist.

Every change locks the session row first (``SELECT … FOR UPDATE``), so RSVPs and cancellations
of one session run one after another: two people cancelling at once free two places and
promote exactly two people from the waitlist, first come first served, in the same transaction
as the cancellation. SQLite serialises writers anyway; PostgreSQL needs the lock.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.community import notices
from tandem.community.models import PULSE_OPEN, GroupSession, PulseAnswer, Rsvp, RsvpStatus
from tandem.community.selectors import access_session, waitlist_position
from tandem.core.errors import ApplicationError, NotFound
from tandem.notify.actions import ActionResult, register_action


def _locked(user: User, session_id: int) -> GroupSession:
    access_session(user=user, session_id=session_id)  # 404 for sessions not theirs to see
    return (
        GroupSession.objects.select_for_update(of=("self",))
        .select_related("host", "program")
        .get(pk=session_id)
    )


def _going(session: GroupSession) -> int:
    return Rsvp.objects.filter(session=session, status=RsvpStatus.GOING).count()


@transaction.atomic
def rsvp_join(*, user: User, session_id: int, now: datetime | None = None) -> Rsvp:
    """Take a place, or a place on the waitlist when the session is full (a flash mentoring
    slot has no waitlist: one person per slot)."""
    now = now or timezone.now()
    session = _locked(user, session_id)
    if session.is_cancelled:
        raise ApplicationError("This session is cancelled.")
    if session.starts_at <= now:
        raise ApplicationError("This session has already started.")
    if session.host_id == user.pk:
        raise ApplicationError("You are hosting this session.")
    rsvp = Rsvp.objects.filter(session=session, user=user).first()
    if rsvp is not None and rsvp.status in (RsvpStatus.GOING, RsvpStatus.WAITLISTED):
        return rsvp
    full = _going(session) >= session.capacity
    if full and session.is_flash:
        raise ApplicationError("Someone has just booked this slot; choose another one.", status=409)
    status = RsvpStatus.WAITLISTED if full else RsvpStatus.GOING
    if rsvp is None:
        rsvp = Rsvp(session=session, user=user, created_at=now)
    rsvp.status, rsvp.queued_at, rsvp.updated_at = status, now, now
    rsvp.save()
    if status == RsvpStatus.GOING:
        notices.invitation(session, user, change="going", now=now)
    else:
        notices.waitlisted(session, user, position=waitlist_position(rsvp), now=now)
    return rsvp


@transaction.atomic
def rsvp_cancel(*, user: User, session_id: int, now: datetime | None = None) -> Rsvp | None:
    """Give up a place (or leave the waitlist); the first person waiting moves up at once."""
    now = now or timezone.now()
    session = _locked(user, session_id)
    rsvp = Rsvp.objects.filter(session=session, user=user).first()
    if rsvp is None or rsvp.status == RsvpStatus.CANCELLED:
        return rsvp
    was_going = rsvp.status == RsvpStatus.GOING
    rsvp.status, rsvp.updated_at = RsvpStatus.CANCELLED, now
    rsvp.save(update_fields=["status", "updated_at"])
    if was_going and not session.is_cancelled:
        notices.invitation(session, user, change="withdrawn", now=now)
        promote_waitlist(session, now=now)
    return rsvp


def promote_waitlist(session: GroupSession, *, now: datetime) -> list[Rsvp]:
    """Fill free places from the waitlist in order. The caller holds the session's lock."""
    if session.is_cancelled or session.starts_at <= now:
        return []
    free = session.capacity - _going(session)
    if free <= 0:
        return []
    promoted = list(
        Rsvp.objects.select_for_update(of=("self",))
        .filter(session=session, status=RsvpStatus.WAITLISTED)
        .select_related("user")
        .order_by("queued_at", "id")[:free]
    )
    for rsvp in promoted:
        rsvp.status, rsvp.updated_at = RsvpStatus.GOING, now
        rsvp.save(update_fields=["status", "updated_at"])
        notices.invitation(session, rsvp.user, change="promoted", now=now)
    return promoted


@transaction.atomic
def pulse_answer(
    *, user: User, session_id: int, rating: int, comment: str = "", now: datetime | None = None
) -> None:
    """An anonymous pulse answer: the RSVP only remembers *that* this person answered."""
    now = now or timezone.now()
    if not 1 <= rating <= 5:
        raise ApplicationError("Choose 1 to 5.", errors=[])
    session = _locked(user, session_id)
    rsvp = (
        Rsvp.objects.select_for_update()
        .filter(session=session, user=user, status=RsvpStatus.GOING)
        .first()
    )
    if rsvp is None or session.ends_at > now or session.is_cancelled:
        raise ApplicationError("Only people who took part can answer, after the session.")
    if now >= session.ends_at + PULSE_OPEN:
        raise ApplicationError("This pulse has closed.")
    if rsvp.pulse_answered:
        raise ApplicationError("You have already answered; thank you.", status=409)
    PulseAnswer.objects.create(session=session, rating=rating, comment=comment.strip()[:2000])
    Rsvp.objects.filter(pk=rsvp.pk).update(pulse_answered=True)


def rsvp_action(user: User, value: str) -> ActionResult:
    """The RSVP buttons of an announcement (chat or email): ``"<session id>:yes|no"``."""
    session_id, _, answer = value.partition(":")
    if not session_id.isdigit() or answer not in ("yes", "no"):
        raise ValueError(f"not an RSVP: {value!r}")
    try:
        if answer == "no":
            rsvp_cancel(user=user, session_id=int(session_id))
            return ActionResult("Thanks for letting us know.")
        rsvp = rsvp_join(user=user, session_id=int(session_id))
    except NotFound:
        return ActionResult("This session is not open to you.", ok=False)
    url = notices.session_url(rsvp.session)
    if rsvp.status == RsvpStatus.WAITLISTED:
        return ActionResult("It is full: you are on the waitlist.", url=url)
    return ActionResult("You're going. The invitation is on its way.", url=url)


def register_actions() -> None:
    register_action(notices.RSVP_ACTION, rsvp_action)

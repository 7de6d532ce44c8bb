"""Answering a match from a message (a chat button or a signed email link): accept or decline.

Value: ``"<relationship id>:yes"`` or ``"<relationship id>:no"``; the person pressing is found
among the relationship's members (someone else's press is refused, never applied).
"""

from __future__ import annotations

from tandem.accounts.models import User
from tandem.notify.actions import ActionResult, register_action
from tandem.relationships.models import Membership
from tandem.relationships.services.answers import membership_accept, membership_decline

ACTION = "match.answer"


def parse(value: str) -> tuple[int, bool]:
    relationship, _, answer = value.partition(":")
    if not relationship.isdigit() or answer not in ("yes", "no"):
        raise ValueError(f"not a match answer: {value!r}")
    return int(relationship), answer == "yes"


def answer_match(user: User, value: str) -> ActionResult:
    relationship_id, accept = parse(value)
    membership = (
        Membership.objects.filter(relationship_id=relationship_id, person__user=user)
        .select_related("relationship")
        .first()
    )
    if membership is None:
        return ActionResult("Only the people in this match can answer it.", ok=False)
    if accept:
        if membership.accepted_at:
            return ActionResult("You had already accepted this match.")
        membership_accept(actor=user, membership=membership)
        return ActionResult("Accepted. Your partner is told once everyone has answered.")
    membership_decline(actor=user, membership=membership)
    return ActionResult("Declined. The match has ended; you stay in the pool for the next one.")


def register() -> None:
    register_action(ACTION, answer_match)

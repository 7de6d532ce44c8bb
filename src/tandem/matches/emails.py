"""The emails of publishing a run: "you have a match" and "not paired this time"."""

from __future__ import annotations

from tandem.matches.models import MatchRun
from tandem.notify.models import Category
from tandem.notify.outbox import EmailToSend, render_email
from tandem.people.models import Person
from tandem.programs.models import Program
from tandem.relationships.emails import match_url
from tandem.relationships.models import Membership

TEMPLATES = "matches/email"


def match_email(
    *, membership: Membership, partners: list[Person], program: Program, needs_answer: bool
) -> EmailToSend:
    return render_email(
        "match_proposed",
        category=Category.MATCHES,
        templates=TEMPLATES,
        event_key=f"match:{membership.relationship_id}:proposed:{membership.pk}",
        recipient=membership.person.user,
        context={
            "program": program,
            "membership": membership,
            "partners": partners,
            "explanation": membership.explanation,
            "needs_answer": needs_answer,
            "url": match_url(membership),
        },
    )


def not_matched_email(
    *, person: Person, program: Program, reason: str, run: MatchRun
) -> EmailToSend:
    return render_email(
        "not_matched",
        category=Category.MATCHES,
        templates=TEMPLATES,
        event_key=f"match-run:{run.pk}:unmatched:{person.pk}",
        recipient=person.user,
        context={"program": program, "reason": reason, "rotation": run.round is not None},
    )


def trio_joined_email(
    *, membership: Membership, newcomer: Membership, program: Program
) -> EmailToSend:
    """To the two people of a live pair: someone joins them as the third member."""
    return render_email(
        "trio_joined",
        category=Category.MATCHES,
        templates=TEMPLATES,
        event_key=f"match:{membership.relationship_id}:joined:{newcomer.pk}:{membership.pk}",
        recipient=membership.person.user,
        context={
            "program": program,
            "membership": membership,
            "newcomer": newcomer.person,
            "url": match_url(membership),
        },
    )

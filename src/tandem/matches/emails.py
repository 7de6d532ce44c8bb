"""The emails of publishing a run: "you have a match" and "not paired this time".

Publishing writes them deferred (``*_later``): the outbox row holds ids and flags and the worker
renders the email when it sends it, with the same templates (``register()`` at start-up).
"""

from __future__ import annotations

from typing import Any

from tandem.matches.models import MatchRun
from tandem.notify.models import Category
from tandem.notify.outbox import EmailToSend, deferred_email, register_renderer, render_email
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


def match_email_later(*, membership: Membership, needs_answer: bool) -> EmailToSend:
    """``match_email``, rendered when sent (the partners are the match's other members then)."""
    return deferred_email(
        "match_proposed",
        renderer="matches.match_proposed",
        category=Category.MATCHES,
        event_key=f"match:{membership.relationship_id}:proposed:{membership.pk}",
        recipient=membership.person.user,
        context={"membership": membership.pk, "needs_answer": needs_answer},
    )


def not_matched_email_later(*, person: Person, reason: str, run: MatchRun) -> EmailToSend:
    """``not_matched_email``, rendered when sent (the reason is the person's own)."""
    return deferred_email(
        "not_matched",
        renderer="matches.not_matched",
        category=Category.MATCHES,
        event_key=f"match-run:{run.pk}:unmatched:{person.pk}",
        recipient=person.user,
        context={"person": person.pk, "run": run.pk, "reason": reason},
    )


def _render_match(context: dict[str, Any]) -> EmailToSend | None:
    membership = (
        Membership.objects.select_related("relationship__program", "person__user")
        .filter(pk=context["membership"])
        .first()
    )
    if membership is None:
        return None
    partners = [
        m.person
        for m in Membership.objects.filter(relationship_id=membership.relationship_id)
        .exclude(pk=membership.pk)
        .select_related("person__user", "person__department")
        .order_by("pk")
    ]
    return match_email(
        membership=membership,
        partners=partners,
        program=membership.relationship.program,
        needs_answer=bool(context["needs_answer"]),
    )


def _render_not_matched(context: dict[str, Any]) -> EmailToSend | None:
    person = Person.objects.select_related("user").filter(pk=context["person"]).first()
    run = MatchRun.objects.select_related("program").filter(pk=context["run"]).first()
    if person is None or run is None:
        return None
    return not_matched_email(
        person=person, program=run.program, reason=str(context["reason"]), run=run
    )


def register() -> None:
    register_renderer("matches.match_proposed", _render_match)
    register_renderer("matches.not_matched", _render_not_matched)

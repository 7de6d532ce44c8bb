"""A published match, introduced in Slack: one group conversation per pair or circle.

Written to the outbox in the publishing transaction (nothing is posted if publishing rolls
back); the worker opens the conversation and posts. The "why you match" lines are each reader's
own (``Membership.explanation`` is written from that member's side), under their name. People who
chose Slack for match news get this instead of a message of their own.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from tandem.integrations.slack import blocks
from tandem.integrations.slack.channel import MAX_CONVERSATION
from tandem.integrations.slack.config import slack_settings
from tandem.integrations.slack.models import SlackIdentity
from tandem.matches.answer_actions import ACTION as ANSWER_ACTION
from tandem.notify.models import Category, Channel, OutboxMessage, Status
from tandem.programs.models import ProgramKind
from tandem.relationships.models import Membership, Relationship

INTRO_KIND = "slack_intro"
SLOTS_ACTION = "slack.suggest_times"
CHUNK = 400  # ids per IN (…) query: well inside SQLite's limits


def intros_enqueue(*, relationship_ids: list[int], needs_answer: bool) -> int:
    """Write one intro per relationship whose members (at least two) are known in Slack."""
    if not slack_settings().configured or not relationship_ids:
        return 0
    groups: dict[int, list[Membership]] = {}
    for chunk in range(0, len(relationship_ids), CHUNK):
        for member in Membership.objects.filter(
            relationship_id__in=relationship_ids[chunk : chunk + CHUNK]
        ).select_related("person__user", "relationship__program"):
            groups.setdefault(member.relationship_id, []).append(member)
    user_ids = [m.person.user_id for group in groups.values() for m in group]
    slack_ids: dict[int, str] = {}
    for chunk in range(0, len(user_ids), CHUNK):
        slack_ids.update(
            SlackIdentity.objects.filter(user_id__in=user_ids[chunk : chunk + CHUNK])
            .exclude(slack_user_id="")
            .values_list("user_id", "slack_user_id")
        )
    rows = []
    superseded: list[str] = []
    for group in groups.values():
        group.sort(key=lambda m: m.pk)
        relationship = group[0].relationship
        found = [slack_ids[m.person.user_id] for m in group if m.person.user_id in slack_ids]
        if len(found) < 2 or len(found) > MAX_CONVERSATION:
            continue
        rows.append(_intro_row(relationship, group, found, needs_answer))
        superseded += [
            f"match:{relationship.pk}:proposed:{m.pk}"
            for m in group
            if m.person.user_id in slack_ids
        ]
    OutboxMessage.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    # Someone who chose Slack for match news reads it in the group conversation, not twice.
    for chunk in range(0, len(superseded), CHUNK):
        OutboxMessage.objects.filter(
            event_key__in=superseded[chunk : chunk + CHUNK],
            channel=Channel.SLACK,
            status=Status.PENDING,
        ).update(status=Status.CANCELLED, last_error="In the Slack group introduction instead")
    return len(rows)


def _intro_row(
    relationship: Relationship, group: list[Membership], slack_ids: list[str], needs_answer: bool
) -> OutboxMessage:
    payload = intro_payload(relationship, group, needs_answer=needs_answer)
    return OutboxMessage(
        event_key=f"slack-intro:{relationship.pk}",
        channel=Channel.SLACK,
        recipient=",".join(sorted(slack_ids)),
        kind=INTRO_KIND,
        category=Category.MATCHES,
        subject=payload["text"][:300],
        body_text=payload["text"],
        payload=payload,
    )


def intro_payload(
    relationship: Relationship, group: list[Membership], *, needs_answer: bool
) -> dict[str, Any]:
    program = relationship.program
    names = [m.person.user.name for m in group]
    what = "circle" if program.kind == ProgramKind.CIRCLES else "match"
    title = f"Your {program.name} {what}: {_join(names)}"
    body: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title[: blocks.HEADER_MAX]}},
        blocks.section(
            f"Hello {_join([n.split(' ')[0] for n in names])}! Tandem matched you for "
            f"*{program.name}*. This conversation is yours to say hello and find a time."
        ),
    ]
    for member in group:
        lines = member.explanation or ["You are both enrolled and free to meet."]
        bullet = "\n".join(f"• {line}" for line in lines[:6])
        body.append(blocks.section(f"*Why this match, for {member.person.user.name}:*\n{bullet}"))
    buttons: list[dict[str, Any]] = []
    if needs_answer:
        buttons += [
            _button("Accept", ANSWER_ACTION, f"{relationship.pk}:yes", 0, style="primary"),
            _button("Decline", ANSWER_ACTION, f"{relationship.pk}:no", 1, style="danger"),
        ]
        body.append(blocks.context("Each of you answers for yourself; a decline stays private."))
    buttons.append(_button("Suggest meeting times", SLOTS_ACTION, str(relationship.pk), 2))
    url = settings.SITE_URL + reverse("relationships:detail", args=[relationship.pk])
    buttons.append(
        {
            "type": "button",
            "text": {"type": "plain_text", "text": "Open in Tandem"},
            "action_id": f"{blocks.LINK_ACTION}#3",
            "url": url,
        }
    )
    body.append({"type": "actions", "block_id": "answers", "elements": buttons})
    return {
        "text": title,
        "blocks": body,
        "tandem": {"relationship_id": relationship.pk, "group": True},
    }


def _button(label: str, action: str, value: str, index: int, style: str = "") -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": label},
        "action_id": f"{action}#{index}",
        "value": value,
    }
    if style:
        element["style"] = style
    return element


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

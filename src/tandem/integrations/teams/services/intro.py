"""A published match, introduced in Teams: one group chat per pair or circle, with an Adaptive
Card carrying the same answers as Slack's intro (Accept, Decline, Suggest meeting times, Open in
Tandem).

Written to the outbox in the publishing transaction; the worker creates the chat and posts. A
relationship already introduced in Slack is not introduced a second time in Teams. People who
chose Teams for match news get this instead of a message of their own.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tandem.integrations.teams import cards
from tandem.integrations.teams.channel import MAX_GROUP, UNREACHABLE
from tandem.integrations.teams.config import teams_settings
from tandem.integrations.teams.models import TeamsIdentity
from tandem.matches.answer_actions import ACTION as ANSWER_ACTION
from tandem.notify.messages import Button
from tandem.notify.models import Category, Channel, OutboxMessage, Status
from tandem.notify.preferences import preferences_for
from tandem.programs.models import ProgramKind
from tandem.relationships.models import Membership, Relationship

INTRO_KIND = "teams_intro"
SLOTS_ACTION = "teams.suggest_times"
CHUNK = 400


def intros_enqueue(*, relationship_ids: list[int], needs_answer: bool) -> int:
    """Write one intro per relationship whose members (at least two) are known in Teams."""
    if not teams_settings().configured or not relationship_ids:
        return 0
    in_slack = set()
    groups: dict[int, list[Membership]] = {}
    for chunk in range(0, len(relationship_ids), CHUNK):
        ids = relationship_ids[chunk : chunk + CHUNK]
        in_slack |= set(
            OutboxMessage.objects.filter(
                event_key__in=[f"slack-intro:{pk}" for pk in ids], channel=Channel.SLACK
            ).values_list("event_key", flat=True)
        )
        for member in Membership.objects.filter(relationship_id__in=ids).select_related(
            "person__user", "relationship__program"
        ):
            groups.setdefault(member.relationship_id, []).append(member)
    user_ids = [m.person.user_id for group in groups.values() for m in group]
    teams_ids: dict[int, str] = {}
    for chunk in range(0, len(user_ids), CHUNK):
        teams_ids.update(
            TeamsIdentity.objects.filter(user_id__in=user_ids[chunk : chunk + CHUNK])
            .exclude(aad_object_id="")
            .exclude(error__startswith=UNREACHABLE)
            .values_list("user_id", "aad_object_id")
        )
    preferences = preferences_for(user_ids)
    now = timezone.now()
    rows = []
    superseded: list[str] = []
    for relationship_id, group in groups.items():
        if f"slack-intro:{relationship_id}" in in_slack:
            continue
        group.sort(key=lambda m: m.pk)
        relationship = group[0].relationship
        found = [teams_ids[m.person.user_id] for m in group if m.person.user_id in teams_ids]
        if len(found) < 2 or len(found) > MAX_GROUP:
            continue
        payload = intro_payload(relationship, group, needs_answer=needs_answer)
        row = OutboxMessage(
            event_key=f"teams-intro:{relationship.pk}",
            channel=Channel.TEAMS,
            recipient=",".join(sorted(found)),
            kind=INTRO_KIND,
            category=Category.MATCHES,
            subject=payload["text"][:300],
            body_text=payload["text"],
            payload=payload,
        )
        row.next_attempt_at = max(
            preferences[m.person.user_id].next_allowed(now)
            for m in group
            if m.person.user_id in teams_ids and m.person.user_id in preferences
        )
        rows.append(row)
        superseded += [
            f"match:{relationship.pk}:proposed:{m.pk}"
            for m in group
            if m.person.user_id in teams_ids
        ]
    OutboxMessage.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    for chunk in range(0, len(superseded), CHUNK):
        OutboxMessage.objects.filter(
            event_key__in=superseded[chunk : chunk + CHUNK],
            channel=Channel.TEAMS,
            status=Status.PENDING,
        ).update(status=Status.CANCELLED, last_error="In the Teams group introduction instead")
    return len(rows)


def intro_payload(
    relationship: Relationship, group: list[Membership], *, needs_answer: bool
) -> dict[str, Any]:
    program = relationship.program
    names = [m.person.user.name for m in group]
    what = "circle" if program.kind == ProgramKind.CIRCLES else "match"
    title = f"Your {program.name} {what}: {_join(names)}"
    body: list[dict[str, Any]] = [
        cards.text_block(
            cards.markdown(
                f"Hello {_join([n.split(' ')[0] for n in names])}! Tandem matched you for "
                f"*{program.name}*. This chat is yours to say hello and find a time."
            )
        )
    ]
    for member in group:
        lines = member.explanation or ["You are both enrolled and free to meet."]
        bullets = "\n".join(f"- {line}" for line in lines[:6])
        body.append(
            cards.text_block(f"**Why this match, for {member.person.user.name}:**\n{bullets}")
        )
    buttons: list[Button] = []
    if needs_answer:
        buttons += [
            Button("Accept", ANSWER_ACTION, f"{relationship.pk}:yes", style="primary"),
            Button("Decline", ANSWER_ACTION, f"{relationship.pk}:no", style="danger"),
        ]
        body.append(
            cards.text_block(
                "Each of you answers for yourself; a decline stays private.", isSubtle=True
            )
        )
    buttons.append(Button("Suggest meeting times", SLOTS_ACTION, str(relationship.pk)))
    url = settings.SITE_URL + reverse("relationships:detail", args=[relationship.pk])
    buttons.append(Button("Open in Tandem", url=url))
    return {
        "text": title,
        "card": cards.card(title, body, buttons),
        "tandem": {"relationship_id": relationship.pk, "group": True},
    }


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

"""The demo's Slack: most of Northwind is in Slack (a few are not, and the admin page lists
them), the coffee rotation follows #coffee-roulette, and the latest round's introductions were
posted as group conversations. ``tandem demo`` serves this against the local Slack stand-in
(``tandem.integrations.slack.standin``), so nothing leaves the machine."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from tandem.accounts.models import User
from tandem.integrations.slack.models import (
    InboundKind,
    InboundStatus,
    SlackChannelLink,
    SlackConversation,
    SlackIdentity,
    SlackInbound,
)
from tandem.integrations.slack.services.intro import INTRO_KIND, intro_payload
from tandem.integrations.slack.standin import SlackStandIn
from tandem.notify.models import Category, Channel, OutboxMessage, Status
from tandem.people.models import PersonStatus
from tandem.programs.models import EnrolmentStatus, Program, ProgramKind
from tandem.relationships.models import LIVE_STATUSES, Relationship

DEMO_CHANNEL = "C0DEMOCOFFEE"
DEMO_TOKEN = "xoxb-demo-standin"  # noqa: S105 - the local stand-in's token, not a secret
DEMO_SIGNING_SECRET = "demo-standin-signing-secret"  # noqa: S105 - the same


def slack_id(user_id: int) -> str:
    return f"U{user_id:08d}"


def seed_slack_people(*, seed: int = 12) -> None:
    """Who is in Slack, before anything is sent, so the seed's messages find them."""
    rng = random.Random(seed)
    now = timezone.now()
    users = User.objects.filter(is_active=True, person__status=PersonStatus.ACTIVE).order_by("pk")
    identities = []
    for user in users:
        found = user.pk % 9 != 4  # about one in nine is not in Slack (contractors, new hires)
        identities.append(
            SlackIdentity(
                user=user,
                slack_user_id=slack_id(user.pk) if found else "",
                email_checked=user.email,
                checked_at=now - timedelta(hours=rng.randint(1, 60)),
                error="" if found else "users_not_found",
            )
        )
    SlackIdentity.objects.bulk_create(identities, ignore_conflicts=True)


def seed_slack() -> None:
    """The rotation's channel, the last round's intros and a few answered requests."""
    now = timezone.now()
    coffee = Program.objects.filter(kind=ProgramKind.COFFEE_ROTATION).order_by("pk").first()
    if coffee is None:
        return
    SlackChannelLink.objects.get_or_create(
        program=coffee,
        defaults={
            "channel_id": DEMO_CHANNEL,
            "channel_name": "coffee-roulette",
            "post_time": time(10, 0),
            "timezone": "Europe/Berlin",
            "last_synced_at": now - timedelta(hours=3),
            "last_sync_summary": "members synced before the last round",
        },
    )
    _intros(coffee, now)
    _answers(now)


def _intros(program: Program, now: datetime) -> None:
    found = dict(
        SlackIdentity.objects.exclude(slack_user_id="").values_list("user_id", "slack_user_id")
    )
    relationships = (
        Relationship.objects.filter(program=program, status__in=LIVE_STATUSES)
        .prefetch_related("members__person__user")
        .order_by("-created_at")[:12]
    )
    for index, relationship in enumerate(relationships):
        group = list(relationship.members.all())
        ids = [found.get(m.person.user_id) for m in group]
        if len(group) < 2 or None in ids:
            continue
        channel = "G" + f"{relationship.pk:09d}"
        ts = f"{int((now - timedelta(hours=index + 2)).timestamp())}.{index:06d}"
        payload = intro_payload(relationship, group, needs_answer=False)
        OutboxMessage.objects.get_or_create(
            event_key=f"slack-intro:{relationship.pk}",
            recipient=",".join(sorted(str(i) for i in ids)),
            channel=Channel.SLACK,
            defaults={
                "kind": INTRO_KIND,
                "category": Category.MATCHES,
                "subject": payload["text"][:300],
                "body_text": payload["text"],
                "payload": payload,
                "status": Status.SENT,
                "attempts": 1,
                "remote_id": f"{channel}:{ts}",
                "created_at": now - timedelta(hours=index + 2),
                "sent_at": now - timedelta(hours=index + 2),
            },
        )
        SlackConversation.objects.get_or_create(
            relationship_id=relationship.pk, defaults={"channel_id": channel, "intro_ts": ts}
        )


def _answers(now: datetime) -> None:
    samples = [
        (
            InboundKind.COMMAND,
            "command:demo-1",
            {"command": "/tandem", "text": "matches"},
            "matches",
        ),
        (InboundKind.COMMAND, "command:demo-2", {"command": "/tandem", "text": "help"}, "help"),
        (
            InboundKind.INTERACTION,
            "interaction:demo-3",
            {"type": "block_actions"},
            "slack.suggest_times: ok",
        ),
        (InboundKind.EVENT, "event:EvDEMO4", {"type": "event_callback"}, "enrolled"),
    ]
    for index, (kind, key, payload, result) in enumerate(samples):
        SlackInbound.objects.get_or_create(
            key=key,
            defaults={
                "kind": kind,
                "payload": payload,
                "status": InboundStatus.DONE,
                "result": result,
                "received_at": now - timedelta(hours=5 * (index + 1)),
                "handled_at": now - timedelta(hours=5 * (index + 1)),
            },
        )


def start_standin(port: int = 8765) -> SlackStandIn:
    """A stand-in that knows the demo's Slack members and the rotation's channel."""
    standin = SlackStandIn(token=DEMO_TOKEN, team="Northwind")
    try:
        standin.start(port)
    except OSError:
        standin.start(0)  # the usual port is taken: any free one
    standin_load(standin)
    return standin


def standin_load(standin: SlackStandIn) -> None:
    """Teach the stand-in the people and channels the database says are in Slack."""
    emails = dict(User.objects.values_list("pk", "email"))
    for user_id, member in SlackIdentity.objects.exclude(slack_user_id="").values_list(
        "user_id", "slack_user_id"
    ):
        if user_id in emails:
            standin.add_member(emails[user_id], member)
    for link in SlackChannelLink.objects.all():
        enrolled = link.program.enrolments.filter(status=EnrolmentStatus.ACTIVE).values_list(
            "person__user_id", flat=True
        )
        standin.set_channel(
            link.channel_id,
            ["UBOT", *(slack_id(u) for u in enrolled if u in emails)],
        )

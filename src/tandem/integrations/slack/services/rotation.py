"""Coffee rotation from a Slack channel: the channel's members are the program's enrolment
(joining opts in, leaving opts out), synced before each round and on join/leave events, and
rounds start at a local time the coordinator picks."""

from __future__ import annotations

import contextvars
import logging
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, FieldError
from tandem.integrations.slack.client import SlackError, call, web_client
from tandem.integrations.slack.models import SlackChannelLink, SlackIdentity
from tandem.integrations.slack.services.people import user_for_slack_id
from tandem.matches.services.common import require_coordinator
from tandem.matches.services.rotations import rotation_round
from tandem.people.models import Person
from tandem.programs.models import Enrolment, EnrolmentStatus, Program, ProgramKind
from tandem.programs.services.follow import FollowResult, enrolments_follow

logger = logging.getLogger(__name__)

CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{6,20}$")
PAGE = 200

# The program whose round the link's own job is starting (the generic rotation job leaves
# linked programs alone: their rounds start at the coordinator's local time, not any time).
_starting: contextvars.ContextVar[int | None] = contextvars.ContextVar("slack_round", default=None)


@dataclass(frozen=True)
class LinkInput:
    channel_id: str
    channel_name: str
    post_time: time
    timezone: str


def _validate(program: Program, data: LinkInput) -> list[FieldError]:
    problems = []
    if program.kind != ProgramKind.COFFEE_ROTATION:
        problems.append(FieldError("Only a coffee rotation can follow a Slack channel."))
    if not CHANNEL_ID.match(data.channel_id):
        problems.append(
            FieldError(
                "A Slack channel id looks like C0123ABCD (channel details → About, at the bottom).",
                field="channel_id",
                value=data.channel_id[:40],
            )
        )
    try:
        ZoneInfo(data.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(FieldError("Unknown time zone.", field="timezone", value=data.timezone))
    other = SlackChannelLink.objects.filter(channel_id=data.channel_id).exclude(program=program)
    if other.exists():
        problems.append(
            FieldError("Another program already follows this channel.", field="channel_id")
        )
    return problems


def channel_link_save(*, actor: User, program: Program, data: LinkInput) -> SlackChannelLink:
    require_coordinator(actor, program)
    problems = _validate(program, data)
    if problems:
        raise ApplicationError("The Slack channel could not be linked.", errors=problems)
    with transaction.atomic():
        link, created = SlackChannelLink.objects.update_or_create(
            program=program,
            defaults={
                "channel_id": data.channel_id,
                "channel_name": data.channel_name.strip().lstrip("#")[:100],
                "post_time": data.post_time,
                "timezone": data.timezone,
            },
        )
        log_action(
            "slack.channel_linked" if created else "slack.channel_link_changed",
            actor=actor,
            target=program,
            data={"channel": data.channel_id, "post_time": data.post_time.isoformat()},
        )
    return link


@transaction.atomic
def channel_link_remove(*, actor: User, program: Program) -> bool:
    require_coordinator(actor, program)
    deleted, _ = SlackChannelLink.objects.filter(program=program).delete()
    if deleted:
        log_action("slack.channel_unlinked", actor=actor, target=program)
    return bool(deleted)


def channel_member_ids(channel_id: str) -> list[str]:
    client = web_client()
    members: list[str] = []
    cursor = ""
    while True:
        page = call("conversations.members", client, channel=channel_id, limit=PAGE, cursor=cursor)
        members += [str(m) for m in page.get("members") or []]
        cursor = str((page.get("response_metadata") or {}).get("next_cursor") or "")
        if not cursor:
            return members


def _people_for(slack_ids: list[str]) -> set[int]:
    known = dict(
        SlackIdentity.objects.filter(slack_user_id__in=slack_ids).values_list(
            "slack_user_id", "user_id"
        )
    )
    user_ids = set(known.values())
    for slack_id in slack_ids:
        if slack_id not in known:  # bots have no email: users.info finds no Tandem user
            user = user_for_slack_id(slack_id)
            if user is not None:
                user_ids.add(user.pk)
    return set(Person.objects.filter(user_id__in=user_ids).values_list("pk", flat=True))


def channel_sync(link: SlackChannelLink, *, now: datetime | None = None) -> FollowResult:
    """Make the program's enrolment the channel's members (people Tandem knows)."""
    now = now or timezone.now()
    person_ids = _people_for(channel_member_ids(link.channel_id))
    result = enrolments_follow(
        program=link.program, person_ids=person_ids, source=f"Slack {link.channel_id}", now=now
    )
    summary = (
        f"{len(person_ids)} members in Tandem; {len(result.enrolled)} joined, "
        f"{len(result.withdrawn)} left"
    )
    SlackChannelLink.objects.filter(pk=link.pk).update(
        last_synced_at=now, last_sync_summary=summary
    )
    return result


def member_changed(*, channel_id: str, slack_user_id: str, joined: bool) -> str:
    """One join or leave, from Slack's member_joined_channel / member_left_channel events."""
    link = SlackChannelLink.objects.select_related("program").filter(channel_id=channel_id).first()
    if link is None:
        return ""
    user = user_for_slack_id(slack_user_id)
    person = Person.objects.filter(user=user).first() if user is not None else None
    if person is None:
        return "not a Tandem person"
    current = set(
        Enrolment.objects.filter(program=link.program, status=EnrolmentStatus.ACTIVE).values_list(
            "person_id", flat=True
        )
    )
    wanted = current | {person.pk} if joined else current - {person.pk}
    enrolments_follow(program=link.program, person_ids=wanted, source=f"Slack {link.channel_id}")
    return "enrolled" if joined else "withdrawn"


def before_round(program: Program, now: datetime) -> bool | None:
    """Receiver of ``rotation_round_starting``: linked programs start only from their own job,
    and only after their members were synced (a failed sync keeps the last known members)."""
    link = SlackChannelLink.objects.filter(program=program).first()
    if link is None:
        return None
    if _starting.get() != program.pk:
        return False
    try:
        channel_sync(link, now=now)
    except SlackError as exc:
        logger.warning("slack channel %s not synced before the round: %s", link.pk, exc.code)
    return True


def round_time(link: SlackChannelLink, now: datetime) -> datetime:
    """Today's start instant in the link's zone (or yesterday's, before today's time)."""
    zone = ZoneInfo(link.timezone)
    local = now.astimezone(zone)
    start = datetime.combine(local.date(), link.post_time, tzinfo=zone)
    return start if start <= now else start - timedelta(days=1)


def linked_rounds(now: datetime) -> int:
    """Start every linked rotation whose round is due at its last local start time."""
    started = 0
    for link in SlackChannelLink.objects.select_related("program"):
        moment = round_time(link, now)
        if moment < link.created_at:
            continue  # the first round comes at the first start time after linking
        token = _starting.set(link.program_id)
        try:
            if rotation_round(program=link.program, now=moment) is not None:
                started += 1
        finally:
            _starting.reset(token)
    return started

"""Coffee rotation from a Teams team: the team's members are the program's enrolment (synced
before each round, through Graph ``GET /teams/{id}/members``), rounds start at a local time the
coordinator picks, intros go to group chats as for any match, and each round's summary is posted
to the team's channel by the bot ("6 pairs this round")."""

from __future__ import annotations

import contextvars
import logging
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.audit.services import log_action
from tandem.core.errors import ApplicationError, FieldError
from tandem.core.words import people, plural
from tandem.integrations.slack.models import SlackChannelLink
from tandem.integrations.teams import cards
from tandem.integrations.teams.client import (
    TeamsError,
    TeamsRateLimited,
    graph,
    graph_path,
    post_activity,
)
from tandem.integrations.teams.config import teams_settings
from tandem.integrations.teams.models import TeamsIdentity, TeamsTeamLink
from tandem.integrations.teams.services.people import user_for_aad_id
from tandem.matches.models import MatchRun, RunPurpose, RunStatus
from tandem.matches.services.common import require_coordinator
from tandem.matches.services.rotations import rotation_round
from tandem.notify.messages import Message
from tandem.notify.models import Category
from tandem.people.models import Person
from tandem.programs.models import Program, ProgramKind
from tandem.programs.services.follow import FollowResult, enrolments_follow
from tandem.relationships.models import Relationship

logger = logging.getLogger(__name__)

TEAM_ID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
CHANNEL_ID = re.compile(r"^19:[A-Za-z0-9_\-]+@thread\.(?:tacv2|skype)$")
LINK_HELP = (
    "Paste the channel's link: in Teams, the channel's ⋯ menu → Get link to channel "
    "(https://teams.microsoft.com/l/channel/19%3a…%40thread.tacv2/…?groupId=…)."
)

_starting: contextvars.ContextVar[int | None] = contextvars.ContextVar("teams_round", default=None)


@dataclass(frozen=True)
class TeamLinkInput:
    channel_link: str  # Teams' "Get link to channel" URL: the channel id and the team's group id
    channel_name: str
    post_time: time
    timezone: str


def parse_channel_link(link: str) -> tuple[str, str] | None:
    """(team id, channel id) from a "link to channel" URL, or None."""
    parts = urlsplit(link.strip())
    segments = parts.path.split("/")
    if parts.scheme != "https" or "channel" not in segments[:3]:
        return None
    at = segments.index("channel")
    channel_id = unquote(segments[at + 1]) if len(segments) > at + 1 else ""
    team_id = (parse_qs(parts.query).get("groupId") or [""])[0]
    if not (TEAM_ID.match(team_id) and CHANNEL_ID.match(channel_id)):
        return None
    return team_id.lower(), channel_id


def team_channel_url(link: TeamsTeamLink) -> str:
    """The "link to channel" URL a link was made from (as Teams writes it)."""
    channel = quote(link.channel_id, safe="")
    return f"https://teams.microsoft.com/l/channel/{channel}/?groupId={link.team_id}"


def team_link_save(*, actor: User, program: Program, data: TeamLinkInput) -> TeamsTeamLink:
    require_coordinator(actor, program)
    problems = []
    if program.kind != ProgramKind.COFFEE_ROTATION:
        problems.append(FieldError("Only a coffee rotation can follow a Teams team."))
    if SlackChannelLink.objects.filter(program=program).exists():
        # Two member lists would undo each other's sync before every round.
        problems.append(FieldError("This program follows a Slack channel; stop that first."))
    found = parse_channel_link(data.channel_link)
    if found is None:
        problems.append(
            FieldError(LINK_HELP, field="channel_link", value=data.channel_link.strip()[:80])
        )
    try:
        ZoneInfo(data.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(FieldError("Unknown time zone.", field="timezone", value=data.timezone))
    if found and TeamsTeamLink.objects.filter(team_id=found[0]).exclude(program=program).exists():
        problems.append(
            FieldError("Another program already follows this team.", field="channel_link")
        )
    if problems or found is None:
        raise ApplicationError("The Teams team could not be linked.", errors=problems)
    team_id, channel_id = found
    with transaction.atomic():
        link, created = TeamsTeamLink.objects.update_or_create(
            program=program,
            defaults={
                "team_id": team_id,
                "channel_id": channel_id,
                "channel_name": data.channel_name.strip()[:100],
                "post_time": data.post_time,
                "timezone": data.timezone,
            },
        )
        log_action(
            "teams.team_linked" if created else "teams.team_link_changed",
            actor=actor,
            target=program,
            data={"team": team_id, "post_time": data.post_time.isoformat()},
        )
    return link


@transaction.atomic
def team_link_remove(*, actor: User, program: Program) -> bool:
    require_coordinator(actor, program)
    deleted, _ = TeamsTeamLink.objects.filter(program=program).delete()
    if deleted:
        log_action("teams.team_unlinked", actor=actor, target=program)
    return bool(deleted)


def team_member_ids(team_id: str) -> list[str]:
    """The Entra object ids of a team's members (Graph pages with ``@odata.nextLink``)."""
    config = teams_settings()
    path = graph_path("teams", team_id, "members")
    members: list[str] = []
    while path:
        page = graph("GET", path, what="graph team members")
        members += [
            str(m.get("userId"))
            for m in page.get("value") or []
            if isinstance(m, dict) and m.get("userId")
        ]
        next_link = str(page.get("@odata.nextLink") or "")
        path = next_link.removeprefix(config.graph_api_url) if next_link else ""
    return members


def _people_for(object_ids: list[str]) -> set[int]:
    known = dict(
        TeamsIdentity.objects.filter(aad_object_id__in=object_ids).values_list(
            "aad_object_id", "user_id"
        )
    )
    user_ids = set(known.values())
    for object_id in object_ids:
        if object_id not in known:  # a guest or someone not synced yet: Graph by id
            user = user_for_aad_id(object_id)
            if user is not None:
                user_ids.add(user.pk)
    return set(Person.objects.filter(user_id__in=user_ids).values_list("pk", flat=True))


def team_sync(link: TeamsTeamLink, *, now: datetime | None = None) -> FollowResult:
    """Make the program's enrolment the team's members (people Tandem knows)."""
    now = now or timezone.now()
    person_ids = _people_for(team_member_ids(link.team_id))
    result = enrolments_follow(
        program=link.program, person_ids=person_ids, source=f"Teams {link.team_id}", now=now
    )
    summary = (
        f"{people(len(person_ids))} in Tandem; {len(result.enrolled)} joined, "
        f"{len(result.withdrawn)} left"
    )
    TeamsTeamLink.objects.filter(pk=link.pk).update(last_synced_at=now, last_sync_summary=summary)
    return result


def before_round(program: Program, now: datetime) -> bool | None:
    """Receiver of ``rotation_round_starting``: linked programs start only from their own job,
    after their members were synced (a failed sync keeps the last known members)."""
    link = TeamsTeamLink.objects.filter(program=program).first()
    if link is None:
        return None
    if _starting.get() != program.pk:
        return False
    try:
        team_sync(link, now=now)
    except TeamsError as exc:
        logger.warning("teams team %s not synced before the round: %s", link.pk, exc.code)
    return True


def round_time(link: TeamsTeamLink, now: datetime) -> datetime:
    """Today's start instant in the link's zone (or yesterday's, before today's time)."""
    zone = ZoneInfo(link.timezone)
    start = datetime.combine(now.astimezone(zone).date(), link.post_time, tzinfo=zone)
    return start if start <= now else start - timedelta(days=1)


def linked_rounds(now: datetime) -> int:
    """Start every team-linked rotation whose round is due at its last local start time."""
    started = 0
    for link in TeamsTeamLink.objects.select_related("program"):
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


def round_summary(run: MatchRun) -> Message:
    pairs = Relationship.objects.filter(run=run).count()
    snoozed = len(run.rules.get("snoozed") or [])
    out = len(run.rules.get("sitting_out") or [])
    text = f"*{plural(pairs, 'pair')}* this round."
    if out:
        text += f" {people(out)} could not be paired this time."
    if snoozed:
        text += f" {people(snoozed)} snoozed this round."
    text += " Everyone paired has a group chat with their match. Not in yet? Join this team."
    return Message(
        kind="teams_round_summary",
        category=Category.MATCHES,
        title=f"{run.program.name}: {run.label}",
        text=text,
        link_url=settings.SITE_URL + reverse("programs:detail", args=[run.program_id]),
        link_label="Open the program",
    )


def post_summaries() -> int:
    """Post the summary of each linked rotation's latest published round not yet posted; a
    failure is retried on the next tick (throttling stops this tick)."""
    posted = 0
    for link in TeamsTeamLink.objects.select_related("program"):
        run = (
            MatchRun.objects.select_related("program")
            .filter(
                program=link.program,
                purpose=RunPurpose.ROTATION,
                status=RunStatus.PUBLISHED,
                created_at__gte=link.created_at,
            )
            .order_by("-round")
            .first()
        )
        if run is None or run.pk == link.summary_run_id:
            continue
        payload: dict[str, Any] = cards.render_adaptive_card(round_summary(run))
        try:
            post_activity(
                teams_settings().service_url, link.channel_id, cards.message_activity(payload)
            )
        except TeamsRateLimited:
            break
        except TeamsError as exc:
            logger.warning("teams round summary for link %s not posted: %s", link.pk, exc.code)
            continue
        TeamsTeamLink.objects.filter(pk=link.pk).update(summary_run_id=run.pk)
        posted += 1
    return posted

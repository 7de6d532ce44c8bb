"""Relationship health and reciprocity: plain rules on plain facts (no database), so they can be
tested on fixed timelines and explained to coordinators in a sentence each."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from tandem.core.words import plural

ON_TRACK, ATTENTION, AT_RISK = "on_track", "attention", "at_risk"
CADENCE_DAYS = {"weekly": 7, "biweekly": 14, "monthly": 30}
STREAK = 3  # meetings in a row in which one person brought every topic


@dataclass(frozen=True)
class HealthSettings:
    cadence_days: int = 14
    grace_days: int = 7
    inactivity_warning_days: int = 60
    inactivity_alert_days: int = 7
    goals_due_days: int = 14
    first_meeting_days: int = 21


@dataclass
class Facts:
    """What the rules look at: dates and counts, never content."""

    activated_at: datetime
    held: Sequence[datetime] = ()  # start times of meetings marked held
    missed: Sequence[datetime] = ()  # start times of meetings marked missed
    upcoming: Sequence[datetime] = ()  # scheduled meetings still ahead
    unmarked: Sequence[datetime] = ()  # scheduled meetings in the past, not marked
    goals: int = 0
    topic_bringers: Sequence[Sequence[int]] = ()  # per logged meeting, oldest first
    members: Sequence[int] = ()
    quiet_members: int = 0  # members under the ghost rule (three check-ins unanswered)
    proposed: bool = False  # not everyone has accepted the match yet
    unanswered: int = 0  # how many members have not answered the match
    respond_by: date | None = None


@dataclass
class Assessment:
    status: str
    reasons: list[str] = field(default_factory=list)
    days_without_meeting: int = 0
    at_risk_since: datetime | None = None  # when the earliest at-risk rule started to hold


def assess(facts: Facts, now: datetime, settings: HealthSettings) -> Assessment:
    if facts.proposed:
        return _waiting_for_answers(facts, now)
    attention: list[str] = []
    risk: list[str] = []
    risk_since: list[datetime] = []
    last = max(facts.held, default=None)
    since = last or facts.activated_at
    idle_days = max(0, (now - since).days)
    overdue_after = settings.cadence_days + settings.grace_days
    if last is None and not facts.upcoming and idle_days > settings.first_meeting_days:
        risk.append(f"No first meeting {idle_days} days after the match started, and none planned")
        risk_since.append(since + timedelta(days=settings.first_meeting_days))
    elif not facts.upcoming and idle_days > overdue_after:
        text = (
            f"No meeting for {idle_days} days"
            if last
            else f"No meeting yet, {idle_days} days after the match started"
        )
        text += f"; the program meets every {settings.cadence_days} days"
        if idle_days >= settings.inactivity_warning_days:
            risk.append(text)
            risk_since.append(since + timedelta(days=settings.inactivity_warning_days))
        else:
            attention.append(text)
    first_held = min(facts.held, default=None)
    if (
        first_held
        and facts.goals == 0
        and now - first_held > timedelta(days=settings.goals_due_days)
    ):
        attention.append(f"No goals set {(now - first_held).days} days after the first meeting")
    recent = sorted([(d, "held") for d in facts.held] + [(d, "missed") for d in facts.missed])[-3:]
    missed = sum(1 for _, outcome in recent if outcome == "missed")
    if missed >= 2:
        risk.append(f"{missed} of the last {len(recent)} meetings were missed")
        risk_since.append(max(d for d, outcome in recent if outcome == "missed"))
    elif missed == 1:
        attention.append("The last meetings include a missed one")
    if one_sided_streak(facts.topic_bringers) is not None:
        attention.append(f"One person has brought every topic for {STREAK} meetings in a row")
    if facts.quiet_members:
        risk.append(
            f"{plural(facts.quiet_members, 'member')} left three check-ins in a row unanswered"
        )
    stale = [d for d in facts.unmarked if now - d > timedelta(days=3)]
    if stale:
        attention.append(f"{plural(len(stale), 'past meeting')} not marked as held or missed")
    status = AT_RISK if risk else ATTENTION if attention else ON_TRACK
    return Assessment(status, risk + attention, idle_days, min(risk_since, default=None))


def _waiting_for_answers(facts: Facts, now: datetime) -> Assessment:
    """A match nobody has answered is not "on track": waiting, then late past its date."""
    waiting_days = max(0, (now - facts.activated_at).days)
    people = "1 person has" if facts.unanswered == 1 else f"{facts.unanswered} people have"
    if facts.respond_by and now.date() > facts.respond_by:
        return Assessment(
            AT_RISK,
            [f"{people} not answered the match; the answer was due {facts.respond_by:%-d %b}"],
            waiting_days,
        )
    return Assessment(
        ATTENTION,
        [f"Waiting for answers: {people} not accepted yet ({waiting_days} days)"],
        waiting_days,
    )


def one_sided_streak(topic_bringers: Sequence[Sequence[int]], length: int = STREAK) -> int | None:
    """The person who brought every topic in each of the last ``length`` logged meetings."""
    logged = [set(b) for b in topic_bringers if b]
    if len(logged) < length:
        return None
    last = logged[-length:]
    if all(len(b) == 1 for b in last) and len(set.union(*last)) == 1:
        return next(iter(last[0]))
    return None


@dataclass
class Balance:
    """Who brought the topics so far: each person's share and a plain-words verdict."""

    shares: dict[int, float]
    topics: int
    verdict: str


def balance(topic_counts: Sequence[dict[int, int]], members: Sequence[int]) -> Balance:
    """``topic_counts``: per meeting, how many topics each person brought."""
    counts: Counter[int] = Counter()
    for meeting in topic_counts:
        counts.update(meeting)
    total = sum(counts.values())
    if not total or not members:
        return Balance({m: 0.0 for m in members}, 0, "No topics logged yet")
    shares = {m: counts.get(m, 0) / total for m in members}
    fair = 1 / len(members)
    lowest = min(shares.values())
    if lowest >= fair * 0.6:
        verdict = "Balanced: you both bring questions and share what you know"
    elif lowest >= fair * 0.3:
        verdict = "Leaning to one side"
    else:
        verdict = "One-sided: something needs to shift"
    return Balance(shares, total, verdict)

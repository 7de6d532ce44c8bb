"""Reading a person's notification preferences and deciding when a message may arrive.

The preference row lives here (keyed by user, like the outbox); the time zone belongs to the
person (``people``, higher up), which registers a lookup at start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tandem.notify.models import Category, DeliveryChoice, LowPriority, NotificationPreference

ZoneLookup = Callable[[Iterable[int]], dict[int, str]]

_zone_lookup: ZoneLookup | None = None

CHOOSABLE = [c for c in Category.values if c != Category.ACCOUNT]


def register_zone_lookup(lookup: ZoneLookup) -> None:
    """``people`` tells notify each user's IANA time zone (one query for many users)."""
    global _zone_lookup
    _zone_lookup = lookup


def zones_for(user_ids: Iterable[int]) -> dict[int, str]:
    ids = [uid for uid in user_ids if uid is not None]
    if _zone_lookup is None or not ids:
        return {}
    return _zone_lookup(ids)


def zone_of(user_id: int) -> str:
    return zones_for([user_id]).get(user_id, "UTC")


@dataclass(frozen=True)
class Preferences:
    """A person's choices, with the defaults filled in (a missing row means the defaults)."""

    channels: dict[str, str] = field(default_factory=dict)
    quiet_start: time | None = None
    quiet_end: time | None = None
    working_days: tuple[int, ...] = ()
    low_priority: str = LowPriority.IMMEDIATE
    paused_until: date | None = None
    timezone: str = "UTC"

    def channel_for(self, category: str) -> str:
        if category == Category.ACCOUNT:
            return DeliveryChoice.EMAIL
        return self.channels.get(category, DeliveryChoice.EMAIL)

    def is_paused(self, now: datetime) -> bool:
        return (
            self.paused_until is not None and _local(now, self.timezone).date() < self.paused_until
        )

    def next_allowed(self, moment: datetime) -> datetime:
        return next_allowed_time(
            moment,
            self.timezone,
            quiet_start=self.quiet_start,
            quiet_end=self.quiet_end,
            working_days=self.working_days,
        )


DEFAULT = Preferences()


def _row_to_preferences(row: NotificationPreference | None, zone: str) -> Preferences:
    if row is None:
        return Preferences(timezone=zone)
    return Preferences(
        channels=dict(row.channels or {}),
        quiet_start=row.quiet_start,
        quiet_end=row.quiet_end,
        working_days=tuple(sorted(row.working_days or ())),
        low_priority=row.low_priority,
        paused_until=row.paused_until,
        timezone=zone,
    )


def preferences_for(user_ids: Iterable[int]) -> dict[int, Preferences]:
    """Everyone's preferences in two queries (rows + zones), for enqueuing a whole round."""
    ids = sorted({uid for uid in user_ids if uid is not None})
    if not ids:
        return {}
    rows = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=ids)}
    zones = zones_for(ids)
    return {uid: _row_to_preferences(rows.get(uid), zones.get(uid, "UTC")) for uid in ids}


def preferences_of(user_id: int) -> Preferences:
    return preferences_for([user_id])[user_id]


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(_zone(zone))


def in_quiet_hours(local: time, start: time | None, end: time | None) -> bool:
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end  # the window wraps midnight (e.g. 20:00–08:00)


def next_allowed_time(
    moment: datetime,
    zone: str,
    *,
    quiet_start: time | None = None,
    quiet_end: time | None = None,
    working_days: Iterable[int] = (),
) -> datetime:
    """The first moment at or after ``moment`` on a working day and outside the quiet hours,
    both read in the person's zone. Returns ``moment`` itself when it is already allowed."""
    tz = _zone(zone)
    days = set(working_days)
    local = moment.astimezone(tz)
    for _ in range(16):  # at most a week of skipped days plus a quiet window each
        if days and local.weekday() not in days:
            next_day = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=tz)
            local = next_day
            continue
        if in_quiet_hours(local.time(), quiet_start, quiet_end):
            assert quiet_end is not None
            end_day = local.date() if local.time() < quiet_end else local.date() + timedelta(1)
            local = datetime.combine(end_day, quiet_end, tzinfo=tz)
            continue
        break
    return local.astimezone(moment.tzinfo) if moment.tzinfo else local

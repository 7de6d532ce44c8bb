"""Changing a person's notification preferences (the settings page, the API, unsubscribe)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, time

from django.db import transaction
from django.utils import timezone

from tandem.core.errors import ApplicationError, FieldError
from tandem.notify.channels import channel_label, configured_channels
from tandem.notify.models import Category, DeliveryChoice, LowPriority, NotificationPreference
from tandem.notify.preferences import CHOOSABLE


@dataclass(frozen=True)
class PreferenceInput:
    channels: Mapping[str, str]
    quiet_start: time | None
    quiet_end: time | None
    working_days: Iterable[int]
    low_priority: str
    paused_until: date | None


def available_choices() -> list[str]:
    """Email, the chat channels configured on this installation, and off."""
    return [DeliveryChoice.EMAIL, *configured_channels(), DeliveryChoice.OFF]


def _validate(data: PreferenceInput) -> list[FieldError]:
    problems: list[FieldError] = []
    allowed = available_choices()
    for category, choice in data.channels.items():
        if category not in CHOOSABLE:
            problems.append(FieldError(f"Unknown category {category!r}.", field="channels"))
        elif choice not in allowed:
            why = (
                f"{channel_label(choice)} is not connected on this installation."
                if choice in DeliveryChoice.values
                else f"Unknown channel {choice!r}."
            )
            problems.append(FieldError(why, field=f"channels.{category}", value=str(choice)))
    if (data.quiet_start is None) != (data.quiet_end is None):
        problems.append(
            FieldError("Give both the start and the end of quiet hours.", field="quiet_start")
        )
    elif data.quiet_start is not None and data.quiet_start == data.quiet_end:
        problems.append(
            FieldError("Quiet hours must not start and end at the same time.", field="quiet_end")
        )
    days = list(data.working_days)
    if any(not isinstance(d, int) or isinstance(d, bool) or not 0 <= d <= 6 for d in days):
        problems.append(
            FieldError("Working days are 0 (Monday) to 6 (Sunday).", field="working_days")
        )
    if data.low_priority not in LowPriority.values:
        problems.append(
            FieldError("Choose immediate or weekly.", field="low_priority", value=data.low_priority)
        )
    return problems


def preferences_update(*, user_id: int, data: PreferenceInput) -> NotificationPreference:
    """Validate everything first, then write the whole choice in one transaction."""
    problems = _validate(data)
    if problems:
        raise ApplicationError("Your notification settings could not be saved.", errors=problems)
    with transaction.atomic():
        pref, _ = NotificationPreference.objects.select_for_update().get_or_create(user_id=user_id)
        switching_to_weekly = (
            pref.low_priority != LowPriority.WEEKLY and data.low_priority == LowPriority.WEEKLY
        )
        pref.channels = {c: data.channels.get(c, DeliveryChoice.EMAIL) for c in CHOOSABLE}
        pref.quiet_start, pref.quiet_end = data.quiet_start, data.quiet_end
        pref.working_days = sorted(set(data.working_days))
        pref.low_priority = data.low_priority
        pref.paused_until = data.paused_until
        pref.updated_at = timezone.now()
        if switching_to_weekly:
            pref.last_digest_at = timezone.now()  # the first digest comes a week from now
        pref.save()
    return pref


def unsubscribe_category(*, user_id: int, category: str) -> bool:
    """One-click unsubscribe: turn off only this category. False if the user does not exist."""
    if category not in CHOOSABLE:
        raise ValueError(f"cannot unsubscribe from {category!r}")
    from django.contrib.auth import get_user_model

    with transaction.atomic():
        if not get_user_model().objects.filter(pk=user_id).exists():
            return False
        pref, _ = NotificationPreference.objects.select_for_update().get_or_create(user_id=user_id)
        pref.channels = {**(pref.channels or {}), category: DeliveryChoice.OFF}
        pref.updated_at = timezone.now()
        pref.save(update_fields=["channels", "updated_at"])
    return True


__all__ = [
    "Category",
    "PreferenceInput",
    "available_choices",
    "preferences_update",
    "unsubscribe_category",
]

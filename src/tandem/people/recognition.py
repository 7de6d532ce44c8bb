"""Contributions shown on a profile, supplied by apps above people (group sessions led,
people helped). They register a provider at start-up, so people imports none of them."""

from __future__ import annotations

from collections.abc import Callable

#: ``provider(user_id)`` returns ``(label, value)`` facts, or an empty list.
Provider = Callable[[int], list[tuple[str, str]]]

_PROVIDERS: list[Provider] = []


def register_recognition(provider: Provider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def recognition_for(user_id: int) -> list[tuple[str, str]]:
    return [fact for provider in _PROVIDERS for fact in provider(user_id)]

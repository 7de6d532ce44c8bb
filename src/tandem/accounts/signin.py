"""Sign-in options other than the password, offered by apps above accounts (``tandem.sso``
registers its providers at start-up), so the sign-in page needs no upward import."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SignInOption:
    name: str  # shown as "Sign in with <name>"
    start_url: str  # the page's form posts here
    kind: str


_options: list[Callable[[], list[SignInOption]]] = []
_origins: list[Callable[[], list[str]]] = []


def register(options: Callable[[], list[SignInOption]], origins: Callable[[], list[str]]) -> None:
    if options not in _options:
        _options.append(options)
        _origins.append(origins)


def sign_in_options() -> list[SignInOption]:
    return [option for source in _options for option in source()]


def identity_provider_origins() -> list[str]:
    """Where the sign-in buttons may redirect the browser (the page's CSP ``form-action``)."""
    return sorted({origin for source in _origins for origin in source()})

"""Anonymity thresholds: how many responses a group needs before it is shown."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

THRESHOLD_FLOOR = 3
DEFAULT_THRESHOLDS: Mapping[str, int] = MappingProxyType({"score": 5, "comment": 10})
# The product's promise: what a site may raise (settings) and a survey may raise, never lower.
# THRESHOLD_FLOOR stays the algorithm's own lower bound (a table of pairs cannot be protected).
SITE_FLOORS: Mapping[str, int] = DEFAULT_THRESHOLDS


def validate_threshold(k: int, kind: str = "score") -> int:
    """Return ``k`` if it may be used as the anonymity threshold for ``kind`` results.

    ``kind`` is ``"score"`` (counts, means, distributions) or ``"comment"`` (free text).
    """
    if kind not in DEFAULT_THRESHOLDS:
        known = ", ".join(sorted(DEFAULT_THRESHOLDS))
        raise ValueError(f"Unknown kind of result {kind!r}; expected one of: {known}.")
    if isinstance(k, bool) or not isinstance(k, int):
        raise ValueError(f"The anonymity threshold must be a whole number, got {k!r}.")
    if k < THRESHOLD_FLOOR:
        raise ValueError(
            f"The anonymity threshold for {kind} results must be at least {THRESHOLD_FLOOR} "
            f"responses (got {k}); smaller groups would let readers single people out. "
            f"The recommended value is {DEFAULT_THRESHOLDS[kind]}."
        )
    return k


def validate_site_threshold(k: int, kind: str, floors: Mapping[str, int] = SITE_FLOORS) -> int:
    """Return ``k`` if it is at least the site's floor for ``kind`` (5 scores, 10 comments).

    A site may raise its floors (``floors``), never below :data:`SITE_FLOORS`; a survey may ask
    for more than the floor, never less.
    """
    validate_threshold(k, kind)
    floor = max(SITE_FLOORS[kind], floors.get(kind, SITE_FLOORS[kind]))
    if k < floor:
        raise ValueError(
            f"The anonymity threshold for {kind} results must be at least {floor} responses "
            f"(got {k}): this site never shows {kind} results for smaller groups. A survey may "
            f"raise it, never lower it."
        )
    return k

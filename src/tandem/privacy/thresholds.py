"""Anonymity thresholds: how many responses a group needs before it is shown."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

THRESHOLD_FLOOR = 3
DEFAULT_THRESHOLDS: Mapping[str, int] = MappingProxyType({"score": 5, "comment": 10})


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

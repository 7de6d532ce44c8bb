"""Free-text comments: shown only when enough people wrote them, in an order that says nothing."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from tandem.privacy.records import Withheld, WithheldReason
from tandem.privacy.thresholds import validate_threshold


@dataclass(frozen=True)
class Comment:
    """A free-text answer; ``respondent`` is the anonymous response's id, never a user id."""

    respondent: Hashable
    text: str


@dataclass(frozen=True)
class PublishedComments:
    texts: tuple[str, ...]


def publish_comments(
    comments: Iterable[Comment], k: int = 10, *, seed: int | str | None = None
) -> PublishedComments | Withheld:
    """The non-blank comments, if at least ``k`` distinct respondents wrote one.

    The order depends only on the set of texts and ``seed`` (use the survey's id), never on the
    order they arrive in, so it cannot be matched with submission order. Comment sets of
    overlapping groups can be intersected, which count suppression does not cover: show
    comments for one level of one breakdown only.
    """
    validate_threshold(k, "comment")
    written = [comment for comment in comments if comment.text.strip()]
    if len({comment.respondent for comment in written}) < k:
        return Withheld(WithheldReason.COMMENTS_FEWER_THAN_K, k)
    texts = sorted(comment.text for comment in written)
    if seed is None:
        seed = hashlib.sha256("\0".join(texts).encode()).hexdigest()
    # Not a secret: the shuffle only has to be independent of arrival order, and repeatable.
    random.Random(seed).shuffle(texts)  # noqa: S311
    return PublishedComments(tuple(texts))

"""Pages of API lists with bounded ``limit`` and ``offset``: ninja's default leaves the offset
unbounded, and an offset of 2^63 overflows both databases (a 500 instead of a 422)."""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from tandem.core.schemas import MAX_OFFSET, MAX_PAGE


class BoundedLimitOffset(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_PAGE)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_limit=MAX_PAGE, **kwargs)

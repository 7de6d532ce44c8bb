"""The API's one error envelope, shared by every app's endpoints.

Every error the API returns — a business rule (``ApplicationError``), a missing or foreign id,
a failed sign-in or CSRF check, a request that does not fit the schema — has this shape, and
every endpoint declares each status it can answer with it (``errors(401, 404, …)``), so the
OpenAPI document lists what a client must handle.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any, ClassVar

from ninja import Schema
from pydantic import (
    AfterValidator,
    AwareDatetime,
    Field,
    GetJsonSchemaHandler,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema


class FieldErrorOut(Schema):
    """One problem with one input: a form field, a body key, or a row and column of a file."""

    message: str
    field: str | None
    row: int | None
    value: str | None


class ErrorOut(Schema):
    """What went wrong, for the person who asked, and each problem found (often none)."""

    detail: str
    errors: list[FieldErrorOut]


#: What every endpoint can answer: not signed in (or a revoked token).
UNAUTHORIZED = 401
#: Writes by a browser session without the CSRF token, and pages for other roles.
FORBIDDEN = 403
#: An id that does not exist for this user (foreign ids look exactly like missing ones).
NOT_FOUND = 404
#: A request that does not fit the schema, or a business rule with field errors.
UNPROCESSABLE = 422
#: A business rule that refuses the request as a whole.
BAD_REQUEST = 400


def errors(*codes: int) -> dict[int, type[ErrorOut]]:
    """The error responses of an operation, always including 401, e.g.
    ``response={200: ProgramOut, **errors(403, 404, 422)}``."""
    return {code: ErrorOut for code in sorted({UNAUTHORIZED, *codes})}


# --- bounded input types (issue 18) --------------------------------------------------------------
# Every number, id, text and moment the API accepts is bounded here the way the forms and the
# models bound it, so a value that fits the published schema also fits both databases (an id of
# 2^63 or a meeting in the year 9999 is a 422, not a 500).

#: Ids are BigAutoField keys; beyond 2^53 JSON clients lose precision anyway.
MAX_ID = 2**53 - 1
#: Free text a person types (descriptions, notes, logs): long enough for any real note.
LONG_TEXT = 10_000
#: Pages of a list: at most this many rows, and offsets within a bigint.
MAX_PAGE = 500
MAX_OFFSET = 2**31 - 1
#: Meetings, goals and windows are planned within this range of years.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
LongText = Annotated[str, Field(max_length=LONG_TEXT)]
#: A short label or name in a list (a skill, a location, a KPI).
Label = Annotated[str, Field(max_length=100)]


def _planned_date(value: date) -> date:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"Choose a date between {EARLIEST_YEAR} and {LATEST_YEAR}.")
    return value


def _planned_moment(value: datetime) -> datetime:
    _planned_date(value.date())
    return value


def _local_time(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("Give a local time without a zone, e.g. 09:00; the zone is your own.")
    return value


#: A calendar date within the planning range.
PlannedDate = Annotated[date, AfterValidator(_planned_date)]
#: A moment with its UTC offset, within the planning range.
PlannedMoment = Annotated[AwareDatetime, AfterValidator(_planned_moment)]
#: A wall-clock time in the person's own zone (``09:00`` or ``09:00:00``, no offset). JSON
#: Schema's ``time`` format requires an offset, so the schema gives the pattern instead.
LocalTime = Annotated[
    time,
    AfterValidator(_local_time),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
            "example": "09:00",
        }
    ),
]


class PatchIn(Schema):
    """A partial update: a key left out keeps its value, and ``null`` is refused (422) except
    for the fields named in ``NULLABLE`` (which ``null`` clears). The document says the same:
    the other fields are optional but not nullable."""

    NULLABLE: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.NULLABLE:
            raise ValueError("Leave the key out to keep the value; null is not a value here.")
        return value

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        document = handler(core_schema)
        resolved = handler.resolve_ref_schema(document)
        for name, prop in resolved.get("properties", {}).items():
            options = prop.get("anyOf")
            if name in cls.NULLABLE or not options:
                continue
            kept = [o for o in options if o.get("type") != "null"]
            if len(kept) == 1:
                prop.pop("anyOf")
                prop.update(kept[0])
            else:
                prop["anyOf"] = kept
            if prop.get("default", 0) is None:
                prop.pop("default")
        return document

"""The API's one error envelope, shared by every app's endpoints.

Every error the API returns — a business rule (``ApplicationError``), a missing or foreign id,
a failed sign-in or CSRF check, a request that does not fit the schema — has this shape, and
every endpoint declares each status it can answer with it (``errors(401, 404, …)``), so the
OpenAPI document lists what a client must handle.
"""

from __future__ import annotations

from ninja import Schema


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

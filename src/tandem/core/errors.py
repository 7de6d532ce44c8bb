"""One error type for business rules, mapped to one envelope in the UI and the API."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FieldError:
    """A problem with one input: ``field`` names the form field, column or argument."""

    message: str
    field: str | None = None
    row: int | None = None
    value: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class ApplicationError(Exception):
    """A request that cannot be carried out; ``message`` is written for the person who asked."""

    message: str
    errors: list[FieldError] = field(default_factory=list)
    status: int = 400

    def __str__(self) -> str:
        return self.message


class NotFound(ApplicationError):
    """The object does not exist *for this user* (foreign ids look exactly like missing ones)."""

    def __init__(self, message: str = "Not found.") -> None:
        super().__init__(message=message, status=404)


class PermissionDeniedError(ApplicationError):
    def __init__(self, message: str = "You do not have permission to do that.") -> None:
        super().__init__(message=message, status=403)

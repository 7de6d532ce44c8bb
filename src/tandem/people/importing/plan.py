"""Validate every row of an HR file against the directory and work out what an import would do.

Nothing here writes: ``build_plan`` turns a table, a column mapping and a snapshot of the current
directory into an ``ImportPlan`` — every error (row, column, value, what is wrong) and, when there
are none, exactly which people would be created, updated or marked as left.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tandem.people.importing import parse
from tandem.people.importing.fields import Mapping, mapping_problems
from tandem.people.importing.reader import Cell, Row, Table
from tandem.people.models import PersonStatus

# Fields compared with the directory to decide whether a person changed.
COMPARED = (
    "name",
    "employee_id",
    "department",
    "team",
    "manager_email",
    "job_title",
    "level",
    "location",
    "timezone",
    "languages",
    "hire_date",
    "status",
    "left_on",
)


@dataclass(frozen=True)
class RowError:
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"Row {self.row}")
        if self.column:
            where.append(f"column “{self.column}”")
        prefix = ", ".join(where)
        shown = f" (value “{_shorten(self.value)}”)" if self.value not in (None, "") else ""
        return f"{prefix}{shown}: {self.message}" if prefix else self.message

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


def _shorten(value: str | None, limit: int = 60) -> str:
    value = value or ""
    return value if len(value) <= limit else value[: limit - 1] + "…"


@dataclass
class ExistingPerson:
    """The directory's current values for one person, in the same shape as a file record."""

    person_id: int
    user_id: int
    email: str
    values: dict[str, Any]

    @property
    def is_active(self) -> bool:
        return bool(self.values.get("status") == PersonStatus.ACTIVE)


@dataclass
class PersonRecord:
    row: int
    email: str
    values: dict[str, Any]  # only the fields the mapping fills


@dataclass
class Update:
    existing: ExistingPerson
    record: PersonRecord
    changed: list[str]


@dataclass
class ImportPlan:
    description: str
    row_count: int
    mapping: Mapping
    full_export: bool
    errors: list[RowError] = field(default_factory=list)
    records: list[PersonRecord] = field(default_factory=list)
    creates: list[PersonRecord] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    unchanged: int = 0
    to_leave: list[ExistingPerson] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> dict[str, int]:
        left_by_status = sum(
            1
            for u in self.updates
            if "status" in u.changed and u.record.values.get("status") == "left"
        )
        reactivated = sum(
            1
            for u in self.updates
            if "status" in u.changed and u.record.values.get("status") == "active"
        )
        return {
            "rows": self.row_count,
            "people": len(self.records),
            "created": len(self.creates),
            "updated": len(self.updates),
            "unchanged": self.unchanged,
            "marked_left": len(self.to_leave) + left_by_status,
            "reactivated": reactivated,
            "errors": len(self.errors),
        }


def build_plan(
    table: Table,
    mapping: Mapping,
    existing: dict[str, ExistingPerson],
    *,
    full_export: bool,
    today: date,
    keep_user_ids: frozenset[int] = frozenset(),
) -> ImportPlan:
    """``keep_user_ids``: accounts a full export never marks as left (the importing admin)."""
    plan = ImportPlan(table.description, len(table.rows), dict(mapping), full_export)
    problems = mapping_problems(mapping, table.column_count)
    if problems:
        plan.errors = [RowError(p) for p in problems]
        return plan
    reader = _RowReader(table, mapping, today)
    first_row_of: dict[str, int] = {}
    for row in table.rows:
        if not any(cell not in (None, "") for cell in row.cells):
            continue
        record = reader.read(row, plan.errors)
        if record is None:
            continue
        if record.email in first_row_of:
            plan.errors.append(
                RowError(
                    f"also appears in row {first_row_of[record.email]}; each person must be "
                    "in the file once",
                    row.number,
                    table.headers[mapping["email"]],
                    record.email,
                )
            )
            continue
        first_row_of[record.email] = row.number
        plan.records.append(record)
    if "manager_email" in mapping:
        plan.errors += _manager_errors(
            plan.records, existing, table.headers[mapping["manager_email"]]
        )
    plan.errors.sort(key=lambda e: (e.row or 0, e.column or ""))
    if plan.ok:
        _diff(plan, existing, keep_user_ids)
    return plan


class _RowReader:
    """Reads one row into a ``PersonRecord``, appending an error per bad cell."""

    def __init__(self, table: Table, mapping: Mapping, today: date) -> None:
        self.table, self.mapping, self.today = table, mapping, today
        self.slash_orders = {
            key: parse.slash_date_order([_cell(r, mapping[key]) for r in table.rows])
            for key in ("hire_date", "leave_date")
            if key in mapping
        }
        self.parsers: dict[str, Callable[[Cell], Any]] = {
            "email": parse.email,
            "name": parse.text,
            "first_name": lambda v: parse.text(v, max_length=100),
            "last_name": lambda v: parse.text(v, max_length=100),
            "employee_id": lambda v: parse.text(v, max_length=64),
            "department": parse.text,
            "team": parse.text,
            "manager_email": lambda v: parse.email(v) if v not in (None, "") else "",
            "job_title": parse.text,
            "level": parse.level,
            "location": parse.text,
            "timezone": parse.timezone_name,
            "languages": parse.languages,
            "hire_date": lambda v: parse.date_value(v, slash_order=self.slash_orders["hire_date"]),
            "status": parse.status,
            "leave_date": lambda v: parse.date_value(
                v, slash_order=self.slash_orders["leave_date"]
            ),
        }

    def read(self, row: Row, errors: list[RowError]) -> PersonRecord | None:
        values: dict[str, Any] = {}
        failed = False
        for key, index in self.mapping.items():
            raw = _cell(row, index)
            header = self.table.headers[index] or f"column {index + 1}"
            if index in row.formulas or (isinstance(raw, str) and parse.is_formula_like(raw)):
                errors.append(
                    RowError(
                        "looks like a spreadsheet formula; formulas are not imported, "
                        "type the plain value instead",
                        row.number,
                        header,
                        str(raw),
                    )
                )
                failed = True
                continue
            try:
                values[key] = self.parsers[key](raw)
            except parse.CellError as exc:
                errors.append(RowError(exc.message, row.number, header, _display(raw)))
                failed = True
        if failed:
            return None
        return self._finish(row, values, errors)

    def _finish(
        self, row: Row, values: dict[str, Any], errors: list[RowError]
    ) -> PersonRecord | None:
        email = values.pop("email")
        first, last = values.pop("first_name", ""), values.pop("last_name", "")
        if not values.get("name"):
            values["name"] = " ".join(p for p in (first, last) if p)
        if not values["name"]:
            column = self.table.headers[self.mapping.get("name", self.mapping.get("first_name", 0))]
            errors.append(RowError("is empty; every person needs a name", row.number, column, ""))
            return None
        if values.get("manager_email") == email:
            column = self.table.headers[self.mapping["manager_email"]]
            errors.append(
                RowError(
                    "is the person's own email; a person cannot manage themselves",
                    row.number,
                    column,
                    email,
                )
            )
            return None
        self._resolve_status(values)
        return PersonRecord(row.number, email, values)

    def _resolve_status(self, values: dict[str, Any]) -> None:
        leave_date = values.pop("leave_date", None)
        if "status" not in self.mapping and "leave_date" not in self.mapping:
            return
        status = values.get("status")
        if status is None:
            status = (
                PersonStatus.LEFT
                if leave_date and leave_date <= self.today
                else PersonStatus.ACTIVE
            )
        values["status"] = status
        values["left_on"] = (leave_date or self.today) if status == PersonStatus.LEFT else None


def _cell(row: Row, index: int) -> Cell:
    return row.cells[index] if index < len(row.cells) else None


def _display(value: Cell) -> str:
    return "" if value is None else str(value)


def _manager_errors(
    records: list[PersonRecord], existing: dict[str, ExistingPerson], column: str
) -> list[RowError]:
    errors = []
    in_file = {r.email: r for r in records}
    for record in records:
        manager = record.values.get("manager_email")
        if manager and manager not in in_file and manager not in existing:
            errors.append(
                RowError(
                    "is not in this file or in the directory; "
                    "add the manager as a row or fix the email",
                    record.row,
                    column,
                    manager,
                )
            )
    errors += _cycle_errors(in_file, existing, column)
    return errors


def _cycle_errors(
    in_file: dict[str, PersonRecord], existing: dict[str, ExistingPerson], column: str
) -> list[RowError]:
    """Reporting cycles (A manages B manages A) through the file and the rest of the directory."""

    def manager_of(email: str) -> str:
        if email in in_file:
            return str(in_file[email].values.get("manager_email") or "")
        person = existing.get(email)
        return str(person.values.get("manager_email") or "") if person else ""

    state: dict[str, int] = {}  # 1 = on the current path, 2 = known to reach a root
    errors = []
    for start in in_file:
        path: list[str] = []
        email = start
        while email and state.get(email) is None:
            state[email] = 1
            path.append(email)
            email = manager_of(email)
        if email and state.get(email) == 1:
            cycle = path[path.index(email) :]
            chain = " → ".join([*cycle, email])
            first = min((in_file[e] for e in cycle if e in in_file), key=lambda r: r.row)
            errors.append(
                RowError(
                    f"creates a reporting cycle ({chain}); someone in it needs a different manager",
                    first.row,
                    column,
                    str(first.values.get("manager_email")),
                )
            )
        for visited in path:
            state[visited] = 2
    return errors


def _diff(
    plan: ImportPlan, existing: dict[str, ExistingPerson], keep_user_ids: frozenset[int]
) -> None:
    seen: set[str] = set()
    for record in plan.records:
        seen.add(record.email)
        current = existing.get(record.email)
        if current is None:
            plan.creates.append(record)
            continue
        changed = [
            key
            for key in COMPARED
            if key in record.values and _norm(record.values[key]) != _norm(current.values.get(key))
        ]
        if changed:
            plan.updates.append(Update(current, record, changed))
        else:
            plan.unchanged += 1
    if plan.full_export:
        plan.to_leave = [
            p
            for e, p in existing.items()
            if e not in seen and p.is_active and p.user_id not in keep_user_ids
        ]


def _norm(value: Any) -> Any:
    if value in (None, ""):
        return None
    if isinstance(value, list):
        return tuple(value)
    return value


def error_rows(errors: Iterable[RowError]) -> int:
    return len({e.row for e in errors if e.row is not None})

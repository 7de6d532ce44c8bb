"""Spreadsheets in, spreadsheets out: people from CSV/XLSX, matches and pair scores to CSV.

Reading is forgiving about form (UTF-8 with or without BOM, comma / semicolon / tab delimiters,
quoted cells, blank lines, header case and spacing) and strict about content: every bad cell is
reported with its row (as a spreadsheet numbers it, header = row 1) and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tandem.matching.config import ProgramConfig, unknown_fields
from tandem.matching.fields import normalise_token
from tandem.matching.records import (
    Criterion,
    MatchingError,
    Participant,
    PastPartner,
    Solution,
    TimeWindow,
)
from tandem.matching.scoring import ScoreModel
from tandem.matching.timezones import resolve_zone
from tandem.matching.vocabulary import field_for_header, level_number

REQUIRED = ("email",)
KNOWN = (
    "email",
    "name",
    "department",
    "manager_email",
    "level",
    "timezone",
    "languages",
    "skills_offered",
    "skills_wanted",
    "goals",
    "availability",
    "working_hours",
    "interests",
    "preferred",
    "avoid",
    "past_partners",
    "capacity",
    "role",
    "hire_date",
    "ranking",
)
LIST_COLUMNS = {
    "languages",
    "skills_offered",
    "skills_wanted",
    "interests",
    "preferred",
    "avoid",
    "ranking",
}
DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_HOURS = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
MAX_SCORES_OUT = 5000


class InputError(MatchingError):
    """The spreadsheet cannot be used; ``problems`` name rows and columns."""


def _header(name: str) -> str:
    """A column's key: its own name in snake case when that is a column Tandem knows (or a
    custom criterion's), else the directory field the HR import would map it to ("Work Email"
    → email, "Grade" → level), so one spreadsheet reads the same way in both."""
    own = re.sub(r"[\s\-]+", "_", name.replace("\ufeff", "").strip().lower())
    if own in KNOWN:
        return own
    field = field_for_header(name)
    return field if field in KNOWN else own


def read_table(path: Path) -> tuple[list[str], list[tuple[int, list[str]]], str]:
    """(columns, [(row number, cells)], list separator) from a CSV or XLSX file."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    if not text.strip():
        raise InputError(f"{path.name}: the file is empty")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((",", ";", "\t"), key=lambda d: _count_outside_quotes(first, d))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    line_no = 0
    for cells in reader:
        line_no = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = [_header(c) for c in cells]
            continue
        rows.append((line_no, [c.strip() for c in cells]))
    if header is None:
        raise InputError(f"{path.name}: the file is empty")
    return header, rows, "," if delimiter == ";" else ""


def _count_outside_quotes(line: str, char: str) -> int:
    count, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == char and not quoted:
            count += 1
    return count


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(path: Path) -> tuple[list[str], list[tuple[int, list[str]]], str]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise InputError(f"{path.name}: not a readable XLSX file ({exc})") from exc
    sheet = book.worksheets[0]
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = [_cell_text(v) for v in values]
        if not any(cells):
            continue
        if header is None:
            header = [_header(c) for c in cells]
            continue
        rows.append((number, cells))
    book.close()
    if header is None:
        raise InputError(f"{path.name}: the file is empty")
    return header, rows, ""


def _split(cell: str, extra_separator: str) -> tuple[str, ...]:
    parts = re.split("[;|" + re.escape(extra_separator) + "]" if extra_separator else "[;|]", cell)
    return tuple(p.strip() for p in parts if p.strip())


def _time(text: str) -> dt.time:
    hours, minutes = text.split(":")
    return dt.time(int(hours) % 24, int(minutes))


def parse_people(path: Path, config: ProgramConfig) -> tuple[list[Participant], list[str]]:
    """Participants from a spreadsheet, checked against the config. Raises ``InputError``."""
    columns, rows, extra_sep = read_table(path)
    problems = _header_problems(path.name, columns, rows, config)
    if problems:
        raise InputError(problems)
    close_fields = {c.field: c for c in config.criteria if c.rule == "close"}
    people: list[Participant] = []
    first_row: dict[str, int] = {}
    for number, cells in rows:
        if len(cells) > len(columns) and any(cells[len(columns) :]):
            problems.append(
                f"{path.name} row {number}: {len(cells)} cells but the header has "
                f"{len(columns)} columns (a delimiter inside an unquoted cell?)"
            )
            continue
        record = {columns[i]: (cells[i] if i < len(cells) else "") for i in range(len(columns))}
        row = Row(path.name, number, record, extra_sep, problems)
        email = _email(row, first_row)
        if email is None:
            continue
        _check_levels(row, close_fields)
        _check_zone(row)
        people.append(_person(row, email))
    if problems:
        raise InputError(problems)
    return people, columns


def _header_problems(
    name: str, columns: list[str], rows: list[tuple[int, list[str]]], config: ProgramConfig
) -> list[str]:
    """Missing required columns, no rows, repeated columns, criterion fields with no column."""
    problems: list[str] = []
    for required in REQUIRED:
        if required not in columns:
            problems.append(f"{name}: no {required!r} column (found: {', '.join(columns)})")
    if not rows and not problems:
        problems.append(f"{name}: no people below the header row")
    seen_headers: dict[str, int] = {}
    for i, col in enumerate(columns):
        if col and col in seen_headers:
            problems.append(
                f"{name}: column {col!r} appears twice (columns {seen_headers[col] + 1}"
                f" and {i + 1})"
            )
        seen_headers.setdefault(col, i)
    problems.extend(
        f"config: criterion field {field!r} is not a column of {name} "
        f"(columns: {', '.join(c for c in columns if c)})"
        for field in unknown_fields(config, columns)
    )
    return problems


@dataclass
class Row:
    """One spreadsheet row by column name; ``bad`` records a problem with its row and column."""

    sheet: str
    number: int
    record: dict[str, str]
    separator: str
    problems: list[str]

    def get(self, column: str) -> str:
        return self.record.get(column, "")

    def items(self, column: str) -> tuple[str, ...]:
        return _split(self.get(column), self.separator)

    def bad(self, column: str, message: str) -> None:
        self.problems.append(f"{self.sheet} row {self.number}, column {column!r}: {message}")


def _email(row: Row, first_row: dict[str, int]) -> str | None:
    """The row's email (the person's id), or None when it is missing, invalid or repeated."""
    email = row.get("email").strip()
    if not email:
        row.bad("email", "empty (every person needs an email)")
        return None
    if not _EMAIL.match(email):
        row.bad("email", f"{email!r} is not an email address")
        return None
    key = email.lower()
    if key in first_row:
        row.bad("email", f"duplicate {email!r} (also in row {first_row[key]})")
        return None
    first_row[key] = row.number
    return email


def _check_levels(row: Row, close_fields: dict[str, Criterion]) -> None:
    """Values of ordered criteria: one of the listed labels, or a number."""
    for field, criterion in close_fields.items():
        value = row.get(field)
        if not value:
            continue
        if criterion.order:
            if normalise_token(value) not in {normalise_token(o) for o in criterion.order}:
                row.bad(field, f"{value!r} is not one of {', '.join(criterion.order)}")
            continue
        try:
            float(value)
        except ValueError:
            number = level_number(value)
            if number is None:
                row.bad(
                    field,
                    f"{value!r} is not a number (use numbers like 1-8 or L3, or list the "
                    f"labels in the criterion's 'order')",
                )
            else:
                row.record[field] = str(number)  # "L3", "Grade 3": read as the HR import does


def _check_zone(row: Row) -> None:
    zone = row.get("timezone") or "UTC"
    if resolve_zone(zone) is None:
        row.bad(
            "timezone",
            f"unknown time zone {zone!r} (use an IANA name such as Europe/Berlin, or UTC+2)",
        )


def _person(row: Row, email: str) -> Participant:
    capacity = _capacity(row)
    hire_date = _hire_date(row)
    hours = _working_hours(row)
    availability = _availability(row)
    past = _past_partners(row)
    custom = {k: v for k, v in row.record.items() if k not in KNOWN and k}
    return Participant(
        id=email.lower(),
        email=email,
        name=row.get("name"),
        department=row.get("department"),
        manager_id=row.get("manager_email").strip().lower(),
        level=row.record.get("level") or None,
        timezone=row.record.get("timezone") or "UTC",
        working_hours=hours,
        languages=row.items("languages"),
        skills_offered=row.items("skills_offered"),
        skills_wanted=row.items("skills_wanted"),
        goals=row.get("goals"),
        availability=availability,
        interests=row.items("interests"),
        preferred=tuple(p.lower() for p in row.items("preferred")),
        avoid=tuple(p.lower() for p in row.items("avoid")),
        past_partners=past,
        capacity=capacity,
        role=row.get("role"),
        hire_date=hire_date,
        ranking=tuple(p.lower() for p in row.items("ranking")),
        custom=dict(custom),
    )


def _capacity(row: Row) -> int:
    text = row.get("capacity")
    if not text:
        return 1
    try:
        capacity = int(float(text))
        if capacity < 1:
            raise ValueError
    except ValueError:
        row.bad("capacity", f"{text!r} is not a whole number of at least 1")
        return 1
    return capacity


def _hire_date(row: Row) -> dt.date | None:
    text = row.get("hire_date")
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        row.bad("hire_date", f"{text!r} is not a date (YYYY-MM-DD)")
        return None


def _working_hours(row: Row) -> tuple[dt.time, dt.time] | None:
    text = row.get("working_hours")
    if not text:
        return None
    match = _HOURS.match(text.strip())
    if not match:
        row.bad("working_hours", f"{text!r} is not like 09:00-17:00")
        return None
    return _time(f"{match[1]}:{match[2]}"), _time(f"{match[3]}:{match[4]}")


def _availability(row: Row) -> tuple[TimeWindow, ...]:
    windows = []
    for item in row.items("availability"):
        parts = item.split(None, 1)
        match = _HOURS.match(parts[1].strip()) if len(parts) == 2 else None
        day = DAYS.get(parts[0][:3].lower()) if parts else None
        if match is None or day is None:
            row.bad("availability", f"{item!r} is not like 'Mon 09:00-12:00'")
            continue
        start, end = _time(f"{match[1]}:{match[2]}"), _time(f"{match[3]}:{match[4]}")
        windows.append(TimeWindow(day, start, end))
    return tuple(windows)


def _past_partners(row: Row) -> tuple[PastPartner, ...]:
    """``ben@x.org``, ``ben@x.org:3`` (round 3) or ``ben@x.org:2026-01-31`` (a date)."""
    past = []
    for item in row.items("past_partners"):
        who, _, when = item.partition(":") if "@" in item.split(":")[0] else (item, "", "")
        round_number, date = None, None
        if when.isdigit():
            round_number = int(when)
        elif when:
            try:
                date = dt.date.fromisoformat(when)
            except ValueError:
                row.bad("past_partners", f"{item!r}: after ':' put a round number or a date")
        past.append(PastPartner(who.strip().lower(), round_number, date))
    return tuple(past)


def write_matches(path: Path, solution: Solution, people: Iterable[Participant]) -> None:
    names = {p.id: p.name or p.id for p in people}
    emails = {p.id: p.email or p.id for p in people}
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "group",
                "status",
                "members",
                "names",
                "roles",
                "score",
                "min_pair_score",
                "explanation",
            ]
        )
        for number, group in enumerate(solution.groups, start=1):
            roles = "; ".join(f"{role}: {emails.get(i, i)}" for role, i in group.roles.items())
            writer.writerow(
                [
                    number,
                    "locked" if group.locked else "matched",
                    "; ".join(emails.get(m, m) for m in group.members),
                    "; ".join(names.get(m, m) for m in group.members),
                    roles,
                    f"{group.score:.4f}",
                    f"{group.min_pair_score:.4f}",
                    "; ".join(group.explanation),
                ]
            )
        for item in solution.unmatched:
            writer.writerow(
                [
                    "",
                    "unmatched",
                    emails.get(item.id, item.id),
                    names.get(item.id, item.id),
                    "",
                    "",
                    "",
                    item.reason,
                ]
            )


def write_scores(path: Path, model: ScoreModel) -> int:
    """Every feasible pair's score, so anyone can recompute the optimum independently."""
    n = model.n
    if n > MAX_SCORES_OUT:
        raise InputError(
            f"--scores-out writes every pair and is limited to {MAX_SCORES_OUT} "
            f"people; this file has {n}"
        )
    count = 0
    emails = [p.email or p.id for p in model.participants]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["a", "b", "score"])
        for i in range(n - 1):
            others = np.arange(i + 1, n)
            me = np.full(len(others), i)
            ok = model.feasible(me, others)
            scores = model.scores(me[ok], others[ok])
            for j, s in zip(others[ok].tolist(), scores.tolist(), strict=True):
                writer.writerow([emails[i], emails[j], f"{s:.6f}"])
                count += 1
    return count

"""CSV and XLSX exports that spreadsheets open as data, never as formulas.

Coordinators open exports in Excel, so a cell such as ``=HYPERLINK(...)`` typed into a survey
answer would otherwise run as a formula (CSV injection, ASVS 5.0 1.2.10). Every text cell that
a spreadsheet could read as a formula gets a leading apostrophe:

* it starts with ``= + - @`` (formula), ``| %`` (DDE and macro forms listed by defusedcsv),
  tab, carriage return, line feed or NUL -- importers differ in whether they trim leading
  whitespace and line breaks, so these are prefixed rather than trusted;
* it starts with invisible characters (spaces, other control or format characters such as a
  zero-width space or a byte-order mark) followed by any of the above, as in ``" =1+1"``:
  whether spaces are trimmed before a cell is read as a formula depends on the program and its
  import options (LibreOffice's text import has "Trim spaces"; Excel's behaviour was not tested
  here), so such cells are prefixed rather than trusted;
* it starts with the full-width equals, plus, minus or at sign (U+FF1D, U+FF0B, U+FF0D,
  U+FF20) -- a precaution: East Asian input methods produce them and some spreadsheet versions
  normalise them;
* it already starts with ``'``, so that :func:`restore_cell` can always strip exactly one.

Numbers, dates, times, booleans and ``None`` stay typed values (a negative number is a number),
so callers should pass numbers as numbers: the text ``"-5"`` is exported as ``'-5``. Written
by hand because defusedcsv covers the CSV writer only and neither the apostrophe round trip,
leading whitespace nor XLSX.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from numbers import Integral, Real
from typing import Protocol

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

TEXT_PREFIX = "'"
# ASCII starters, then the full-width equals, plus, minus and at signs.
FORMULA_STARTERS = frozenset("=+-@|%\uff1d\uff0b\uff0d\uff20")
CONTROL_STARTERS = frozenset("\t\r\n\0")

Cell = str | int | float | Decimal | date | time | bool | None


@dataclass(frozen=True)
class Formatted:
    """A number with the format a spreadsheet shows it in (``Formatted(0.73, "0%")`` → 73%).

    In CSV it is the plain number, rounded to ``digits`` places."""

    value: float | int | None
    number_format: str
    digits: int = 4


class BinaryWriter(Protocol):
    def write(self, data: bytes, /) -> object: ...


def neutralise_cell(value: object) -> Cell:
    """The value as it may be written to a spreadsheet: typed values unchanged, text made inert."""
    if isinstance(value, Formatted):
        number = value.value
        return round(number, value.digits) if isinstance(number, float) else number
    if value is None or isinstance(value, bool | int | date | time):
        return value
    if isinstance(value, float | Decimal):
        return value if math.isfinite(value) else _neutralise_text(str(value))
    if isinstance(value, Integral):  # numpy and other integer types
        return int(value)
    if isinstance(value, Real):
        return _neutralise_cell_float(float(value))
    return _neutralise_text(value if isinstance(value, str) else str(value))


def _neutralise_cell_float(value: float) -> Cell:
    return value if math.isfinite(value) else _neutralise_text(str(value))


def restore_cell(value: Cell) -> Cell:
    """The original value of a neutralised cell (``restore_cell(neutralise_cell(s)) == s``)."""
    if isinstance(value, str) and value.startswith(TEXT_PREFIX):
        return value[1:]
    return value


def _neutralise_text(text: str) -> str:
    return TEXT_PREFIX + text if _needs_prefix(text) else text


def _needs_prefix(text: str) -> bool:
    if not text:
        return False
    first = text[0]
    if first == TEXT_PREFIX or first in CONTROL_STARTERS or first in FORMULA_STARTERS:
        return True
    for char in text:
        if not _is_invisible(char):
            return char in FORMULA_STARTERS
        if char in CONTROL_STARTERS:
            return True
    return False


def _is_invisible(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in {"Cc", "Cf"}


# --- CSV -------------------------------------------------------------------------------------


class _Utf8Sink:
    """Lets ``csv.writer`` stream text into a binary file (or an HttpResponse)."""

    def __init__(self, file: BinaryWriter) -> None:
        self._file = file

    def write(self, text: str) -> int:
        self._file.write(text.encode("utf-8"))
        return len(text)


def write_csv(
    rows: Iterable[Sequence[object]], header: Sequence[object], file: BinaryWriter
) -> None:
    """Write RFC 4180 CSV (comma, double-quote escaping, CRLF) as UTF-8 with a byte-order mark.

    Excel reads a CSV without a BOM in the system's legacy code page, which garbles names like
    "Zoë"; with the BOM it reads UTF-8. Every cell, header included, is neutralised.
    """
    file.write(codecs.BOM_UTF8)
    writer = csv.writer(_Utf8Sink(file), lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([neutralise_cell(value) for value in header])
    for row in rows:
        writer.writerow([neutralise_cell(value) for value in row])


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def spreadsheet_response(
    sheets: Mapping[str, tuple[Sequence[object], Sequence[Sequence[object]]]],
    *,
    filename: str,
    fmt: str,
) -> HttpResponse:
    """A download of ``{name: (header, rows)}``: one worksheet each as XLSX, or as CSV one table
    after the other (a blank row, then the next table's header)."""
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        (header, rows), *more = sheets.values()
        following = [line for h, r in more for line in ([], h, *r)]
        write_csv([*rows, *following], header, response)
        return response
    buffer = io.BytesIO()
    write_xlsx(sheets, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


# --- XLSX ------------------------------------------------------------------------------------

SHEET_NAME_LIMIT = 31
_SHEET_NAME_FORBIDDEN = re.compile(r"[\\/?*\[\]:]")
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_STARTS_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")  # lookahead: "_x0041_x0042_" has two
CELL_TEXT_LIMIT = 32767
MIN_WIDTH, MAX_WIDTH = 8, 60


def write_xlsx(
    sheets: Mapping[str, tuple[Sequence[object], Iterable[Sequence[object]]]], file: BinaryWriter
) -> None:
    """Write one worksheet per ``{name: (header, rows)}``; text is always a text cell.

    Names are made valid for Excel (31 characters, no ``\\ / ? * [ ] :``, unique).
    """
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for name, (header, rows) in sheets.items():
        title = sheet_name(name, used)
        used.add(title.casefold())
        _fill_sheet(workbook.create_sheet(title), header, rows)
    workbook.save(file)


def sheet_name(name: str, used: set[str] | frozenset[str] = frozenset()) -> str:
    """A valid, unused (case-insensitively, against casefolded ``used``) Excel sheet name."""
    cleaned = _SHEET_NAME_FORBIDDEN.sub("_", _XML_ILLEGAL.sub("", name)).strip().strip("'")
    cleaned = cleaned or "Sheet"
    if cleaned.casefold() == "history":  # reserved by Excel for change tracking
        cleaned = "History_"
    candidate = cleaned[:SHEET_NAME_LIMIT]
    number = 2
    while candidate.casefold() in used:
        suffix = f" ({number})"
        candidate = cleaned[: SHEET_NAME_LIMIT - len(suffix)] + suffix
        number += 1
    return candidate


def _fill_sheet(
    sheet: Worksheet, header: Sequence[object], rows: Iterable[Sequence[object]]
) -> None:
    widths: dict[int, int] = {}
    bold = Font(bold=True)
    for column, value in enumerate(header, start=1):
        _write_cell(sheet, 1, column, value, widths).font = bold
    for row_number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            _write_cell(sheet, row_number, column, value, widths)
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"


def _write_cell(
    sheet: Worksheet, row: int, column: int, value: object, widths: dict[int, int]
) -> SheetCell:
    typed = _xlsx_value(neutralise_cell(value.value if isinstance(value, Formatted) else value))
    cell = sheet.cell(row=row, column=column, value=typed)
    if isinstance(typed, str):
        cell.data_type = "s"  # openpyxl would otherwise turn "=…" into a formula, "#N/A" an error
    elif isinstance(value, Formatted):
        cell.number_format = value.number_format
    widths[column] = max(widths.get(column, MIN_WIDTH), min(_display_width(typed), MAX_WIDTH))
    return cell


def _xlsx_value(value: Cell) -> Cell:
    if isinstance(value, str):
        return _xlsx_text(value)
    if isinstance(value, datetime | time) and value.tzinfo is not None:
        # Excel has no time zones: keep the wall-clock time the caller chose to show.
        return value.replace(tzinfo=None)
    return value


def _xlsx_text(text: str) -> str:
    """Text as SpreadsheetML stores it.

    Literal ``_xHHHH_`` would be decoded by Excel, so its underscore is escaped as ``_x005F_``;
    a carriage return is escaped as ``_x000D_`` (XML readers turn a raw one into a line feed);
    characters XML cannot hold at all become U+FFFD. Excel caps a cell at 32,767 characters.
    """
    text = _STARTS_ESCAPE.sub("_x005F_", text)
    text = _XML_ILLEGAL.sub("\ufffd", text).replace("\r", "_x000D_")
    return text[:CELL_TEXT_LIMIT]


def _display_width(value: Cell) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 18
    if isinstance(value, date):
        return 12
    return max((len(line) for line in str(value).splitlines()), default=0) + 2

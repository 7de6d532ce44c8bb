"""Turn an uploaded HR file (CSV or XLSX) into a header and rows, or one clear file-level error.

Row numbers are the ones a person sees when they open the file in a spreadsheet: the header is
row 1, so the first person is row 2, and blank lines keep their numbers.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time

from tandem.people.importing.container import MAX_UNPACKED_BYTES, ContainerError, check_workbook

Cell = str | int | float | date | datetime | time | bool | None

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Row:
    number: int
    cells: list[Cell]
    formulas: set[int] = field(default_factory=set)  # column indexes holding XLSX formulas


@dataclass
class Table:
    headers: list[str]
    rows: list[Row]
    description: str

    @property
    def column_count(self) -> int:
        return len(self.headers)


def human_size(size: int) -> str:
    return f"{size / 1024:.1f} KB" if size < 2**20 else f"{size / 2**20:.1f} MB"


def check_size(size: int, *, max_bytes: int) -> None:
    if size > max_bytes:
        raise ImportFileError(
            f"The file is {human_size(size)}; the limit is {human_size(max_bytes)}. "
            "Split it into smaller files, or remove columns Tandem does not use."
        )


def read_table(data: bytes, file_name: str, *, max_bytes: int, max_rows: int) -> Table:
    check_size(len(data), max_bytes=max_bytes)
    if not data.strip(b"\xef\xbb\xbf\r\n\t ,;"):
        raise ImportFileError("The file is empty. Export the people list again and upload it.")
    lower = file_name.lower()
    if data.startswith(OLE_MAGIC) or lower.endswith(".xls"):
        raise ImportFileError(
            "This is an old Excel .xls file. Open it in Excel and save it as .xlsx or "
            "“CSV UTF-8”, then upload that."
        )
    if data.startswith(XLSX_MAGIC):
        table = _read_xlsx(data, max_bytes=max_bytes, max_rows=max_rows)
    elif lower.endswith((".xlsx", ".xlsm")):
        raise ImportFileError("The file is named .xlsx but is not an Excel workbook.")
    else:
        table = _read_csv(data, max_rows=max_rows)
    _check_headers(table)
    if not any(_row_has_values(row) for row in table.rows):
        raise ImportFileError(
            "The file has a header row but no people in it. Check that the export includes data."
        )
    return table


def _row_has_values(row: Row) -> bool:
    return any(cell not in (None, "") for cell in row.cells)


def _check_headers(table: Table) -> None:
    if not any(h.strip() for h in table.headers):
        raise ImportFileError("The first row is empty; it must hold the column names.")
    seen: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        key = header.strip().lower()
        if key and key in seen:
            raise ImportFileError(
                f"The column name “{header.strip()}” appears twice (columns {seen[key] + 1} and "
                f"{index + 1}). Rename or remove one of them."
            )
        seen[key] = index


# --- CSV ---------------------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "UTF-16"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            f"The file is not UTF-8 text (byte 0x{data[exc.start]:02X} on line {line} cannot be "
            "read). In Excel choose File › Save As › “CSV UTF-8 (Comma delimited)”, or upload "
            "the .xlsx file instead."
        ) from None
    encoding = "UTF-8 with BOM" if data.startswith(codecs.BOM_UTF8) else "UTF-8"
    return text, encoding


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most, and most consistent, columns."""
    sample = text[:64_000].splitlines()[:50]
    best, best_score = ",", (-1, -1)
    for delimiter in DELIMITERS:
        try:
            widths = [len(r) for r in csv.reader(sample, delimiter=delimiter) if r]
        except csv.Error:
            continue
        if not widths or widths[0] < 2:
            continue
        consistent = sum(1 for w in widths if w == widths[0])
        score = (consistent, widths[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(data: bytes, *, max_rows: int) -> Table:
    text, encoding = _decode(data)
    if "\x00" in text:
        raise ImportFileError(
            "The file contains NUL bytes, so it is not a text (CSV) file. Upload a CSV or .xlsx."
        )
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        headers = next(reader, None)
        if headers is None:
            raise ImportFileError("The file is empty. Export the people list again and upload it.")
        rows: list[Row] = []
        for number, cells in enumerate(reader, start=2):
            if len(rows) >= max_rows:
                raise ImportFileError(
                    f"The file has more than {max_rows:,} rows, the most one import can take. "
                    "Split it into smaller files."
                )
            rows.append(Row(number, list(cells)))
    except csv.Error as exc:
        raise ImportFileError(
            f"The file cannot be read as CSV near line {reader.line_num}: {exc}."
        ) from None
    description = f"CSV, {DELIMITER_NAMES[delimiter]}-separated, {encoding}"
    return Table([h.strip() for h in headers], rows, description)


# --- XLSX --------------------------------------------------------------------------------------


def _read_xlsx(data: bytes, *, max_bytes: int, max_rows: int) -> Table:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_workbook(archive, max_rows=max_rows, max_unpacked=MAX_UNPACKED_BYTES)
    except ContainerError as exc:
        raise ImportFileError(str(exc)) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError):
        raise ImportFileError("The file looks like an Excel workbook but is damaged.") from None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:
        raise ImportFileError(
            "The workbook cannot be opened. Save it again from Excel as .xlsx, or export CSV."
        ) from None
    try:
        sheet = workbook.worksheets[0]
        row_iter = sheet.iter_rows()
        header_cells = next(row_iter, None)
        if header_cells is None:
            raise ImportFileError("The first sheet of the workbook is empty.")
        headers = ["" if c.value is None else str(c.value).strip() for c in header_cells]
        while headers and not headers[-1]:
            headers.pop()
        rows: list[Row] = []
        for number, cells in enumerate(row_iter, start=2):
            if len(rows) >= max_rows:
                raise ImportFileError(
                    f"The sheet has more than {max_rows:,} rows, the most one import can take."
                )
            values: list[Cell] = []
            formulas: set[int] = set()
            for index, cell in enumerate(cells[: len(headers)]):
                value = getattr(cell, "value", None)
                if getattr(cell, "data_type", None) == "f":
                    formulas.add(index)
                values.append(value)
            rows.append(Row(number, values, formulas))
        return Table(headers, rows, f"Excel workbook, sheet “{sheet.title}”")
    finally:
        workbook.close()

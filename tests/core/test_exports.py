"""Formula-injection-safe CSV/XLSX exports: golden payloads, read-back, and properties."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.core.exports import (
    neutralise_cell,
    restore_cell,
    sheet_name,
    write_csv,
    write_xlsx,
)

TRIGGERS = set("=+-@|%\t\r\n\0\uff1d\uff0b\uff0d\uff20")

PAYLOADS = [
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1",
    "\r=1",
    "\n=1",
    "\0=1",
    "|cmd",
    "%0A",
    "'already",
    " =1+1",
    " \x00",
    "\u200b=1",
    "\ufeff@SUM(1)",
    "\uff1d1+1",
]

PLAIN = ["O'Brien", "Zoë Ångström", "", "hello = world", "  indented", "50%", "a-b"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_are_prefixed_and_restore(payload):
    cell = neutralise_cell(payload)
    assert cell == "'" + payload
    assert restore_cell(cell) == payload


@pytest.mark.parametrize("text", PLAIN)
def test_plain_text_is_untouched(text):
    assert neutralise_cell(text) == text
    assert restore_cell(text) == text


@pytest.mark.parametrize(
    "value",
    [-5, 0, 3.25, -1.5, Decimal("-1.50"), date(2024, 1, 31), datetime(2024, 1, 31, 9, 30), True],
)
def test_typed_values_pass_through(value):
    assert neutralise_cell(value) is value or neutralise_cell(value) == value
    assert type(neutralise_cell(value)) is type(value)


def test_none_and_other_types():
    assert neutralise_cell(None) is None
    assert neutralise_cell(float("-inf")) == "'-inf"
    assert neutralise_cell(Decimal("NaN")) == "NaN"
    assert neutralise_cell(Fraction(1, 4)) == 0.25
    assert neutralise_cell(type("Evil", (), {"__str__": lambda self: "=cmd"})()) == "'=cmd"


def read_csv(data: bytes):
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_round_trip():
    header = ["name", "answer", "score", "submitted"]
    rows = [[payload, "plain", -3, date(2024, 1, 31)] for payload in PAYLOADS]
    rows += [["O'Brien", 'Zoë, "quoted"\r\nline', 4, None]]
    out = io.BytesIO()
    write_csv(rows, header, out)
    data = out.getvalue()
    assert b"\r\n" in data
    read = read_csv(data)
    assert read[0] == header
    for payload, line in zip(PAYLOADS, read[1:], strict=False):
        assert line[0].startswith("'")
        assert restore_cell(line[0]) == payload
        assert line[2:] == ["-3", "2024-01-31"]
    assert read[-1] == ["O'Brien", 'Zoë, "quoted"\r\nline', "4", ""]


def test_csv_header_is_neutralised_too():
    out = io.BytesIO()
    write_csv([], ["=evil"], out)
    assert read_csv(out.getvalue()) == [["'=evil"]]


def excel_text(value: str) -> str:
    """What Excel shows for stored text: it decodes _xHHHH_ escapes left to right."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), value)


def read_xlsx(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def test_xlsx_text_is_text_and_typed_values_stay_typed():
    header = ["name", "score", "submitted"]
    rows = [[payload, -3, date(2024, 1, 31)] for payload in PAYLOADS]
    rows += [["#N/A", 2.5, datetime(2024, 2, 1, 8, 0, tzinfo=UTC)], ["_x0041_x0042_", None, None]]
    out = io.BytesIO()
    write_xlsx({"Answers": (header, rows)}, out)
    sheet = read_xlsx(out.getvalue())["Answers"]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    for cell in cells:
        if isinstance(cell.value, str):
            assert cell.data_type == "s"
            assert cell.value[0] not in TRIGGERS
    for payload, row in zip(PAYLOADS, sheet.iter_rows(min_row=2), strict=False):
        name, score, submitted = row
        if "\0" not in payload:
            assert restore_cell(excel_text(name.value)) == payload
        assert score.value == -3
        assert score.data_type == "n"
        assert submitted.value == datetime(2024, 1, 31)
    assert sheet.cell(row=len(PAYLOADS) + 2, column=1).value == "#N/A"
    assert sheet.cell(row=len(PAYLOADS) + 2, column=3).value == datetime(2024, 2, 1, 8, 0)
    assert excel_text(sheet.cell(row=len(PAYLOADS) + 3, column=1).value) == "_x0041_x0042_"
    assert sheet["A1"].font.b
    assert sheet.freeze_panes == "A2"
    assert 8 <= sheet.column_dimensions["A"].width <= 60


def test_xlsx_replaces_characters_xml_cannot_hold():
    out = io.BytesIO()
    write_xlsx({"S": (["h"], [["a\x01b"], ["\0=1"]])}, out)
    sheet = read_xlsx(out.getvalue())["S"]
    assert sheet["A2"].value == "a\ufffdb"
    assert sheet["A3"].value == "'\ufffd=1"


def test_sheet_names_are_sanitised_and_unique():
    out = io.BytesIO()
    sheets = {
        "Q1/Q2: results [draft]*?": (["a"], []),
        "A very long sheet name that Excel would refuse": (["a"], []),
        "a very long sheet name that excel would refuse!": (["a"], []),
        "'quoted'": (["a"], []),
        "": (["a"], []),
        "History": (["a"], []),
    }
    write_xlsx(sheets, out)
    names = read_xlsx(out.getvalue()).sheetnames
    assert names == [
        "Q1_Q2_ results _draft___",
        "A very long sheet name that Exc",
        "a very long sheet name that (2)",
        "quoted",
        "Sheet",
        "History_",
    ]
    assert all(len(name) <= 31 for name in names)
    assert sheet_name("x" * 40, {"x" * 31}) == "x" * 27 + " (2)"


@pytest.mark.slow
@settings(max_examples=500)
@given(st.text())
def test_any_text_is_neutralised_and_restores(text):
    cell = neutralise_cell(text)
    assert not cell or cell[0] not in TRIGGERS
    assert restore_cell(cell) == text
    visible = cell.lstrip("'").lstrip()
    if cell == text and visible:
        assert visible[0] not in TRIGGERS


@settings(max_examples=200)
@given(st.lists(st.text(), min_size=1, max_size=5))
def test_any_text_survives_a_csv_round_trip(texts):
    out = io.BytesIO()
    write_csv([texts], ["h"] * len(texts), out)
    read = read_csv(out.getvalue())
    assert [restore_cell(cell) for cell in read[1]] == texts
    assert all(not cell or cell[0] not in TRIGGERS for cell in read[1])


XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=30), min_size=1, max_size=8))
def test_any_text_is_a_text_cell_in_xlsx(texts):
    out = io.BytesIO()
    write_xlsx({"S": (["h"], [[text] for text in texts])}, out)
    sheet = read_xlsx(out.getvalue())["S"]
    for text, (cell,) in zip(texts, sheet.iter_rows(min_row=2), strict=True):
        if text == "":
            assert cell.value is None
            continue
        assert cell.data_type == "s"
        shown = excel_text(cell.value)
        assert shown[0] not in TRIGGERS
        assert restore_cell(shown) == XML_ILLEGAL.sub("\ufffd", text)

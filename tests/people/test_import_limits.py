"""Hostile workbooks are refused while they are read, within a small memory budget: a zip bomb
in the shared strings, a header of three million cells, thousands of parts, too many rows
(issue 18). Time is measured by ``make bench CASE=import_bombs``; memory is counted here with
tracemalloc (Python allocations, deterministic), and nothing is written."""

from __future__ import annotations

import tracemalloc
from functools import cache

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tandem.accounts.services import api_token_create
from tandem.people.importing.container import MAX_COLUMNS
from tandem.people.importing.reader import ImportFileError, read_table
from tandem.people.models import ImportBatch, Person
from tests.people import hostile_xlsx

#: What reading any refused file may allocate (Python objects), far below the file's payload.
BUDGET_MB = 16


@cache
def _bomb() -> bytes:
    return hostile_xlsx.shared_strings_bomb(unpacked_mb=40)


@cache
def _wide() -> bytes:
    return hostile_xlsx.wide_header(cells=3_000_000)


def _refusal(data: bytes, *, max_rows: int = 250_000) -> tuple[str, float]:
    tracemalloc.start()
    try:
        read_table(data, "people.xlsx", max_bytes=50 * 2**20, max_rows=max_rows)
    except ImportFileError as exc:
        message = exc.message
    else:
        message = ""
    finally:
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return message, peak


def test_a_real_workbook_still_reads():
    table = read_table(hostile_xlsx.normal(), "people.xlsx", max_bytes=2**20, max_rows=10)
    assert table.headers == ["Email", "Name", "Department"]
    assert [r.cells for r in table.rows] == [["ada@example.com", "Ada Lovelace", "Engineering"]]


@pytest.mark.parametrize(
    ("build", "says"),
    [
        (_bomb, "text table is far larger"),
        (_wide, f"more than {MAX_COLUMNS} cells"),
        (lambda: hostile_xlsx.many_parts(2_000), "parts"),
    ],
    ids=["shared-strings-bomb", "wide-header", "many-parts"],
)
def test_hostile_workbooks_are_refused_within_the_memory_budget(build, says):
    data = build()
    assert len(data) < 2 * 2**20  # small on the wire
    message, peak_mb = _refusal(data)
    assert says in message
    assert peak_mb < BUDGET_MB, f"reading took {peak_mb:.1f} MB"


def test_rows_are_counted_before_the_workbook_is_opened():
    message, _ = _refusal(hostile_xlsx.normal(), max_rows=0)
    assert "more than 0 rows" in message


def test_a_bomb_through_the_api_is_a_clear_error_and_writes_nothing(admin):
    _, secret = api_token_create(user=admin, name="hris")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    before = Person.objects.count()
    response = client.post("/api/imports", {"file": SimpleUploadedFile("people.xlsx", _wide())})
    assert response.status_code in (400, 422)
    assert "cells" in response.json()["detail"]
    assert Person.objects.count() == before
    assert not ImportBatch.objects.exists()

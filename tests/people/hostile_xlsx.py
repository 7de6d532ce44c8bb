"""Workbooks built to hurt the importer: a shared-strings zip bomb and a header row of millions
of cells, each a small upload (used by the tests and by ``benchmarks/bench_import_bombs.py``)."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _base() -> dict[str, bytes]:
    """The parts of a real one-sheet workbook with a header and one person."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Email", "Name", "Department"])
    sheet.append(["ada@example.com", "Ada Lovelace", "Engineering"])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(parts: dict[str, bytes], streamed: dict[str, object]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            if name not in streamed:
                archive.writestr(name, data)
        for name, chunks in streamed.items():
            with archive.open(name, "w", force_zip64=True) as part:
                for chunk in chunks:  # type: ignore[attr-defined]
                    part.write(chunk)
    return out.getvalue()


def shared_strings_bomb(unpacked_mb: int = 850) -> bytes:
    """A workbook whose shared-strings part unpacks to ``unpacked_mb`` MB (one huge text
    repeated), a couple of MB on the wire."""

    def chunks():  # type: ignore[no-untyped-def]
        yield f'<sst xmlns="{_MAIN}" count="1" uniqueCount="1"><si><t>'.encode()
        block = b"A" * 2**20
        for _ in range(unpacked_mb):
            yield block
        yield b"</t></si></sst>"

    parts = _base()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    return _zip(parts, {"xl/sharedStrings.xml": chunks()})


def wide_header(cells: int = 3_000_000) -> bytes:
    """A workbook whose header row has ``cells`` cells (a few hundred KB on the wire)."""

    def chunks():  # type: ignore[no-untyped-def]
        yield f'<worksheet xmlns="{_MAIN}"><sheetData><row r="1">'.encode()
        cell = b'<c t="inlineStr"><is><t>x</t></is></c>'
        for start in range(0, cells, 10_000):
            yield cell * min(10_000, cells - start)
        yield b"</row></sheetData></worksheet>"

    return _zip(_base(), {"xl/worksheets/sheet1.xml": chunks()})


def many_parts(parts: int = 5_000) -> bytes:
    base = _base()
    for index in range(parts):
        base[f"xl/media/junk{index}.bin"] = b""
    return _zip(base, {})


def normal() -> bytes:
    return _zip(_base(), {})

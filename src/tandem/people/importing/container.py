"""Limits on an XLSX upload checked *while* it is read, before openpyxl sees it.

An XLSX is a zip of XML parts. A 2 MB upload can unpack to gigabytes (a zip bomb in the shared
strings, which openpyxl loads whole when it opens a workbook), or hold a header row of millions
of empty cells (which openpyxl's read-only reader still materialises row by row). So before the
workbook is opened:

* the container: at most ``MAX_PARTS`` parts, at most ``max_unpacked`` bytes unpacked in all and
  ``MAX_SHARED_STRINGS_BYTES`` for the shared strings (sizes as the zip declares them; Python's
  zipfile never yields more than the declared size of a part, so a lying header only truncates);
* the first sheet, streamed with ``iterparse`` and discarded element by element: at most
  ``max_rows`` rows, ``MAX_COLUMNS`` cells in any row and ``MAX_CELLS`` cells in all;
* the shared strings, streamed the same way: at most ``MAX_SHARED_STRINGS`` strings.

Memory stays at a few megabytes whatever the file holds, and time is bounded by the unpacked
budget (``benchmarks`` case ``import_bombs`` measures both).
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

MAX_PARTS = 1_000
MAX_COLUMNS = 200
MAX_CELLS = 5_000_000
MAX_SHARED_STRINGS = 2_000_000
MAX_SHARED_STRINGS_BYTES = 32 * 2**20
MAX_UNPACKED_BYTES = 256 * 2**20

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


class ContainerError(Exception):
    """The workbook is over a limit; the message says which, for the person uploading."""


def check_workbook(archive: zipfile.ZipFile, *, max_rows: int, max_unpacked: int) -> None:
    """Raise ``ContainerError`` when ``archive`` is over any limit (see the module docstring)."""
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise ContainerError(
            f"The workbook has {len(infos):,} parts; a people list needs far fewer."
        )
    unpacked = sum(info.file_size for info in infos)
    if unpacked > max_unpacked:
        raise ContainerError(
            f"The workbook unpacks to {unpacked / 2**20:,.0f} MB, more than the "
            f"{max_unpacked / 2**20:,.0f} MB a people list may take. Export CSV instead."
        )
    names = {info.filename: info for info in infos}
    strings = names.get("xl/sharedStrings.xml")
    if strings is not None:
        if strings.file_size > MAX_SHARED_STRINGS_BYTES:
            raise ContainerError(
                "The workbook's text table is far larger than a people list needs."
            )
        _check_shared_strings(archive, strings)
    sheet = _first_sheet(archive, names)
    if sheet is not None:
        _check_sheet(archive, sheet, max_rows=max_rows)


def _elements(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[Element]:
    """Each closed element of a part, streamed; the caller clears what it has seen."""
    with archive.open(info) as stream:
        try:
            for _, element in iterparse(stream, events=("end",), forbid_dtd=True):
                yield element
        except (ParseError, DefusedXmlException):
            raise ContainerError("A part of the workbook is not valid XML.") from None


def _check_shared_strings(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    count = 0
    for element in _elements(archive, info):
        if element.tag == f"{_MAIN}si":
            count += 1
            element.clear()
            if count > MAX_SHARED_STRINGS:
                raise ContainerError(
                    f"The workbook holds more than {MAX_SHARED_STRINGS:,} texts; split the file."
                )


def _first_sheet(
    archive: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo]
) -> zipfile.ZipInfo | None:
    """The part of the first sheet (the one openpyxl reads as ``worksheets[0]``)."""
    workbook, rels = names.get("xl/workbook.xml"), names.get("xl/_rels/workbook.xml.rels")
    target = None
    if workbook is not None and rels is not None:
        first = next(
            (e.get(f"{_REL}id") for e in _elements(archive, workbook) if e.tag == f"{_MAIN}sheet"),
            None,
        )
        for element in _elements(archive, rels):
            if element.tag == f"{_PKG_REL}Relationship" and element.get("Id") == first:
                target = element.get("Target", "")
        if target:
            target = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join("xl", target))
            )
    return names.get(target or "xl/worksheets/sheet1.xml")


def _check_sheet(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, max_rows: int) -> None:
    rows = cells = in_row = 0
    for element in _elements(archive, info):
        if element.tag == f"{_MAIN}c":
            cells += 1
            in_row += 1
            if in_row > MAX_COLUMNS:
                raise ContainerError(
                    f"Row {rows + 1} of the sheet has more than {MAX_COLUMNS} cells; a people "
                    "list has a few dozen columns. Delete the empty columns and save again."
                )
            if cells > MAX_CELLS:
                raise ContainerError(
                    f"The sheet has more than {MAX_CELLS:,} cells; split the file."
                )
        elif element.tag == f"{_MAIN}row":
            rows += 1
            in_row = 0
            element.clear()
            if rows > max_rows + 1:
                raise ContainerError(
                    f"The sheet has more than {max_rows:,} rows, the most one import can take."
                )

"""Hostile workbooks against the importer's reader: time and peak memory to refuse each.

    make bench CASE=import_bombs             # n = the bomb's unpacked size in MB
    make bench CASE=import_wide_header       # n = cells in the header row

The issue this answers (18): an 850 MB shared-strings bomb (851 KB upload) held 4.8 GB after
600 s, and a 3-million-cell header (329 KB) took 106 s and 2.9 GB before it was refused.
"""

from __future__ import annotations

from benchmarks.django_env import setup_django
from benchmarks.measure import measure

CASES = [("import_bombs", [850]), ("import_wide_header", [3_000_000])]


def run_case(case: str, n: int) -> dict[str, object]:
    setup_django()
    from tests.people import hostile_xlsx

    from tandem.people.importing.reader import ImportFileError, read_table

    data = (
        hostile_xlsx.shared_strings_bomb(unpacked_mb=n)
        if case == "import_bombs"
        else hostile_xlsx.wide_header(cells=n)
    )

    def read() -> str:
        try:
            read_table(data, "people.xlsx", max_bytes=50 * 2**20, max_rows=250_000)
        except ImportFileError as exc:
            return exc.message
        return "accepted"

    measured = measure(read)
    return {
        "case": case,
        "n": n,
        "upload_kb": round(len(data) / 1024),
        "refused": measured.value != "accepted",
        "message": measured.value[:80],
        "seconds": round(measured.seconds, 3),
        "peak_mb": round(measured.peak_mb, 1),
    }

"""``no_writes()``: a block that must not change the database (a GET page, for instance).

Audit entries are allowed: looking at some pages is itself recorded (who viewed whose data).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@contextmanager
def no_writes(*, allowed_tables: tuple[str, ...] = ("audit_auditentry",)) -> Iterator[None]:
    with CaptureQueriesContext(connection) as queries:
        yield
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(WRITES)
        and not any(f'"{table}"' in q["sql"] for table in allowed_tables)
    ]
    assert not writes, "unexpected writes:\n" + "\n".join(writes)

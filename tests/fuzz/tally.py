"""Counting the fuzzers' cases and failures by kind, for ``make fuzz``'s figures.

Each role's run writes one JSON line to ``$FUZZ_REPORT`` (when set) and prints it; the make
target sums them up with ``tools/fuzz_report.py``.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Tally:
    role: str
    phase: str
    cases: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    operations: set[str] = field(default_factory=set)

    @contextmanager
    def case(self, case: Any) -> Iterator[None]:
        self.cases += 1
        operation = getattr(case, "operation", None)
        if operation is not None:
            self.operations.add(f"{operation.method.upper()} {operation.path}")
        try:
            yield
        except BaseException as exc:
            for kind in _kinds(exc):
                self.failures[kind] += 1
            raise

    def report(self) -> None:
        line = {
            "role": self.role,
            "phase": self.phase,
            "operations": len(self.operations),
            "cases": self.cases,
            "failures": dict(self.failures),
        }
        path = os.environ.get("FUZZ_REPORT")
        if path:
            with open(path, "a", encoding="utf-8") as out:
                out.write(json.dumps(line) + "\n")
        print(json.dumps(line))


def _kinds(exc: BaseException) -> list[str]:
    inner = getattr(exc, "exceptions", None)
    if inner:
        return [kind for sub in inner for kind in _kinds(sub)]
    return [type(exc).__name__]

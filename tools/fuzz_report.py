"""Sum up the fuzzers' figures (one JSON line per role and phase) for ``make fuzz``."""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path


def main(path: str) -> int:
    file = Path(path)
    if not file.exists():
        print(f"no figures in {path}")
        return 1
    cases: Counter[str] = Counter()
    failures: dict[str, Counter[str]] = defaultdict(Counter)
    lines = [json.loads(line) for line in file.read_text().splitlines() if line.strip()]
    for line in lines:
        key = f"{line['role']:<12} {line['phase']}"
        cases[key] += line["cases"]
        failures[key].update(line["failures"])
    total = sum(cases.values())
    print(f"{'role / phase':<45} {'cases':>8}  failures by kind")
    for key in sorted(cases):
        kinds = ", ".join(f"{k}: {v}" for k, v in sorted(failures[key].items())) or "none"
        print(f"{key:<45} {cases[key]:>8,}  {kinds}")
    by_role: Counter[str] = Counter()
    for line in lines:
        by_role[line["role"]] += line["cases"]
    print("per role: " + ", ".join(f"{r} {n:,}" for r, n in sorted(by_role.items())))
    print(f"total: {total:,} cases, {sum(sum(f.values()) for f in failures.values())} failures")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "var/fuzz-report.jsonl"))

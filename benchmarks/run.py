"""Run Tandem's benchmarks: one JSON line per case, each case in a fresh child process.

    python benchmarks/run.py                      # every suite, default sizes
    python benchmarks/run.py --case peer_pairs --n 100000

A suite is a module ``benchmarks/bench_<name>.py`` with ``CASES`` (a list of
``(case_name, [default sizes])``) and ``run_case(case, n) -> dict`` returning the JSON fields.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SUITES = sorted(p.stem for p in HERE.glob("bench_*.py"))


def _load(suite: str):  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(ROOT))
    return importlib.import_module(f"benchmarks.{suite}")


def all_cases() -> list[tuple[str, str, list[int]]]:
    cases = []
    for suite in SUITES:
        module = _load(suite)
        for case, sizes in module.CASES:
            cases.append((suite, case, list(sizes)))
    return cases


def run_child(suite: str, case: str, n: int, timeout: float) -> dict[str, object]:
    cmd = [sys.executable, str(HERE / "run.py"), "--child", suite, case, str(n)]
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        return {"case": case, "n": n, "error": f"timed out after {timeout:.0f} s"}
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        return {"case": case, "n": n, "error": " | ".join(tail) or f"exit {proc.returncode}"}
    return json.loads(lines[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", help="run only this case (e.g. peer_pairs, import_people)")
    parser.add_argument("--n", type=int, help="run only this size")
    parser.add_argument(
        "--timeout",
        type=float,
        help="seconds per case (default: the suite's TIMEOUT_SECONDS, else 900)",
    )
    parser.add_argument("--child", nargs=3, metavar=("SUITE", "CASE", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        suite, case, n = args.child
        result = _load(suite).run_case(case, int(n))
        print(json.dumps(result), flush=True)
        return 0

    selected = [c for c in all_cases() if args.case in (None, c[1])]
    if not selected:
        known = ", ".join(sorted({c[1] for c in all_cases()}))
        print(
            f"run.py: no benchmark case named {args.case!r}; known cases: {known}", file=sys.stderr
        )
        return 2
    failed = False
    for suite, case, sizes in selected:
        for n in [args.n] if args.n else sizes:
            timeout = args.timeout or float(getattr(_load(suite), "TIMEOUT_SECONDS", 900.0))
            result = run_child(suite, case, n, timeout)
            failed |= "error" in result
            print(json.dumps(result), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

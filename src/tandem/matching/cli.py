"""``tandem match people.csv --config criteria.toml --out matches.csv``: spreadsheet in,
matches out.

Exit codes: 0 done, 2 bad input (a readable message naming rows and columns), 1 unexpected error.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

from tandem.matching.config import build_problem, load_config
from tandem.matching.engine import solve
from tandem.matching.io import InputError, parse_people, write_matches, write_scores
from tandem.matching.records import MatchingError
from tandem.matching.report import write_report
from tandem.matching.scoring import compile_problem

MAX_LISTED = 20


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tandem match",
        description="Match people from a spreadsheet (CSV or XLSX) by the criteria in a TOML file.",
    )
    parser.add_argument("people", type=Path, help="people.csv or people.xlsx")
    parser.add_argument("--config", type=Path, required=True, help="criteria.toml")
    parser.add_argument("--out", type=Path, required=True, help="matches.csv to write")
    parser.add_argument("--report", type=Path, help="also write a readable HTML report")
    parser.add_argument(
        "--scores-out",
        type=Path,
        help="also write every feasible pair's score (up to 5,000 people)",
    )
    parser.add_argument("--seed", type=int, default=None, help="random seed (default 0)")
    parser.add_argument("--quiet", action="store_true", help="print nothing on success")
    return parser


def _fail(problems: list[str], code: int) -> int:
    print("tandem match: error:", file=sys.stderr)
    for problem in problems[:MAX_LISTED]:
        print(f"  - {problem}", file=sys.stderr)
    if len(problems) > MAX_LISTED:
        print(f"  ... and {len(problems) - MAX_LISTED} more", file=sys.stderr)
    return code


def main(argv: list[str]) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse already printed the usage and the problem
        return int(exit_.code or 0)
    try:
        return _run(args)
    except (MatchingError, InputError) as exc:
        return _fail(exc.problems, 2)
    except KeyboardInterrupt:
        print("tandem match: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        return _fail([f"unexpected {type(exc).__name__}: {exc}"], 1)


def _run(args: argparse.Namespace) -> int:
    if not args.config.exists():
        raise InputError(f"{args.config}: no such file")
    try:
        data = tomllib.loads(args.config.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{args.config.name}: not valid TOML ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{args.config.name}: not UTF-8 text") from exc
    config = load_config(data)
    people, _ = parse_people(args.people, config)
    problem = build_problem(people, config)
    seed = args.seed if args.seed is not None else config.seed
    solution = solve(problem, seed=seed)
    write_matches(args.out, solution, people)
    if args.report:
        write_report(args.report, solution, people)
    if args.scores_out:
        write_scores(args.scores_out, compile_problem(problem, seed=seed))
    if not args.quiet:
        s = solution.stats
        gap = "0 (proven optimal)" if s.certified_optimal else f"{100 * s.gap:.2f}%"
        print(
            f"{len(solution.groups)} groups, {s.matched} people matched, {s.unmatched} not "
            f"matched; total score {s.objective:.3f}, upper bound {s.bound:.3f}, gap {gap}; "
            f"worst-off {s.worst_off:.3f}; {s.seconds:.2f} s ({s.solver})"
        )
        for note in solution.notes:
            print(f"note: {note}")
        print(
            f"wrote {args.out}"
            + (f", {args.report}" if args.report else "")
            + (f", {args.scores_out}" if args.scores_out else "")
        )
    return 0

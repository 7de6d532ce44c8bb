"""The ``tandem`` command: every Django management command plus Tandem's own.

``tandem match`` is the matching engine's spreadsheet CLI and runs without Django or a database.
Every other sub-command is a management command (``import-people`` is ``import_people``). Errors
end with a readable message and a non-zero exit code, never a traceback; ``--traceback`` shows it.
"""

from __future__ import annotations

import os
import sys

ALIASES = {
    "import-people": "import_people",
    "import-enrolments": "import_enrolments",
    "load-matches": "load_matches",
    "run-periodic": "runperiodic",
    "scim-token": "scim_token",
    "library-starter": "library_starter",
    "export-person": "export_person",
}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "match":
        # Imported here so that ``tandem match`` starts without loading Django at all.
        from tandem.matching.cli import main as match_main

        return match_main(args[1:])
    if args:
        args[0] = ALIASES.get(args[0], args[0])
    return run_management_command(args)


def run_management_command(args: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    show_traceback = "--traceback" in args
    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["tandem", *args])
    except SystemExit as exit_:
        code = exit_.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except KeyboardInterrupt:
        print("tandem: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if show_traceback:
            raise
        print(f"tandem: error: {_describe(exc)}", file=sys.stderr)
        print("(run again with --traceback for details)", file=sys.stderr)
        return 1
    return 0


def _describe(exc: BaseException) -> str:
    from django.core.exceptions import ImproperlyConfigured
    from django.db import OperationalError

    if isinstance(exc, ImproperlyConfigured):
        return f"configuration problem: {exc}"
    if isinstance(exc, OperationalError):
        return f"database problem: {exc}. Is the database reachable and migrated (tandem migrate)?"
    return f"{type(exc).__name__}: {exc}"


if __name__ == "__main__":
    raise SystemExit(main())

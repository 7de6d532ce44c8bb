from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.accounts.models import User
from tandem.core.errors import ApplicationError
from tandem.people.importing.reader import ImportFileError, check_size
from tandem.programs.models import Program
from tandem.programs.services.cohort import CohortRejected, cohort_import


class Command(BaseCommand):
    help = (
        "Enrol people into a program with the answers they already gave (CSV or XLSX: an Email "
        "column and one column per question). Every row is checked first; if any is wrong "
        "nothing is written and each problem is listed with its row and column."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the spreadsheet: .csv (comma, semicolon or tab) or .xlsx")
        parser.add_argument("--program", type=int, required=True, metavar="ID", help="program id")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, write nothing"
        )
        parser.add_argument(
            "--as",
            dest="actor",
            metavar="EMAIL",
            required=True,
            help="the coordinator (or admin) recorded as importing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=2)
        try:
            check_size(path.stat().st_size, max_bytes=settings.TANDEM_IMPORT_MAX_BYTES)
        except ImportFileError as exc:
            raise CommandError(f"{path.name}: {exc.message}", returncode=2) from None
        program = Program.objects.filter(pk=options["program"]).first()
        if program is None:
            raise CommandError(f"--program {options['program']}: no such program", returncode=2)
        actor = User.objects.filter(email__iexact=options["actor"].strip(), is_active=True).first()
        if actor is None:
            raise CommandError(f"--as {options['actor']}: no active user", returncode=2)
        try:
            plan = cohort_import(
                actor=actor,
                program=program,
                data=path.read_bytes(),
                file_name=path.name,
                dry_run=options["dry_run"],
            )
        except CohortRejected as exc:
            for error in exc.plan.errors:
                where = f"row {error.row}" if error.row else "file"
                column = f", column “{error.column}”" if error.column else ""
                value = f" (“{error.value}”)" if error.value else ""
                self.stderr.write(f"{where}{column}{value}: {error.message}")
            raise CommandError(f"{path.name}: {exc.message}", returncode=2) from None
        except ApplicationError as exc:
            raise CommandError(f"{path.name}: {exc.message}", returncode=2) from None
        verb = "would enrol" if options["dry_run"] else "enrolled"
        kept = f"; {len(plan.kept)} already enrolled kept their own answers" if plan.kept else ""
        self.stdout.write(
            f"{path.name}: {verb} {len(plan.to_enrol)} people in {program.name}{kept}"
            + (f" (columns not used: {', '.join(plan.ignored)})" if plan.ignored else "")
        )

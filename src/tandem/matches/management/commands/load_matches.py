from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.accounts.models import User
from tandem.core.errors import ApplicationError
from tandem.core.words import plural
from tandem.matches.services.imported import run_import_pairs
from tandem.people.importing.reader import ImportFileError, check_size
from tandem.programs.models import Program


class Command(BaseCommand):
    help = (
        "Load matches made elsewhere (the file `tandem match` writes, or any CSV/XLSX with one "
        "group per row named by work emails) into a program as a run to review and publish in "
        "Tandem. Nobody is told anything until a coordinator publishes the run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the groups: .csv or .xlsx")
        parser.add_argument("--program", type=int, required=True, metavar="ID", help="program id")
        parser.add_argument(
            "--as",
            dest="actor",
            metavar="EMAIL",
            required=True,
            help="the coordinator (or admin) recorded as loading the run",
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
            run = run_import_pairs(
                actor=actor, program=program, file_name=path.name, data=path.read_bytes()
            )
        except ApplicationError as exc:
            for error in exc.errors:
                self.stderr.write(f"{f'row {error.row}' if error.row else 'file'}: {error.message}")
            raise CommandError(f"{path.name}: {exc.message}", returncode=2) from None
        self.stdout.write(
            f"{path.name}: {plural(run.stats['groups'], 'group')} loaded into {program.name} as "
            f"run #{run.pk} ({plural(run.unmatched.count(), 'person', 'people')} not in a group). "
            f"Review and publish it at {settings.SITE_URL.rstrip('/')}/matches/runs/{run.pk}/"
        )

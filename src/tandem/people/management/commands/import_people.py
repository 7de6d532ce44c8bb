from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.accounts.models import User
from tandem.core.errors import ApplicationError
from tandem.core.words import people as _people
from tandem.people import services
from tandem.people.importing.fields import override_mapping
from tandem.people.importing.reader import ImportFileError, check_size
from tandem.people.services import ImportRejected


class Command(BaseCommand):
    help = (
        "Import people from an HR export (CSV or XLSX). Every row is checked first; if any row is "
        "wrong nothing is written and each problem is listed with its row and column."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the HR export: .csv (comma, semicolon or tab) or .xlsx")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, write nothing"
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="the file lists everyone: mark people missing from it as left",
        )
        parser.add_argument(
            "--confirm-leavers",
            type=int,
            metavar="N",
            help="with --full: the number of people to be marked as left (a dry run prints it); "
            "needed when it is 10 or more",
        )
        parser.add_argument("--invite", action="store_true", help="email invitations to new people")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help="map a field to a column header, e.g. --map email='Work Mail' (repeatable)",
        )
        parser.add_argument(
            "--as", dest="actor", metavar="EMAIL", help="admin to record as the importer"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=2)
        try:
            check_size(path.stat().st_size, max_bytes=settings.TANDEM_IMPORT_MAX_BYTES)
        except ImportFileError as exc:
            raise CommandError(f"{path.name}: {exc.message}", returncode=2) from None
        data = path.read_bytes()
        actor = self._actor(options["actor"])
        mapping = self._mapping(options["map"], data, path.name) if options["map"] else None
        try:
            outcome = services.import_people(
                data=data,
                file_name=path.name,
                actor=actor,
                mapping=mapping,
                full_export=options["full"],
                dry_run=options["dry_run"],
                send_invitations=options["invite"],
                source="cli",
                confirm_leavers=options["confirm_leavers"],
            )
        except ImportRejected as exc:
            for error in exc.plan.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{path.name}: {exc.message}", returncode=2) from None
        except ApplicationError as exc:
            raise CommandError(f"{path.name}: {exc.message}", returncode=2) from None
        summary = outcome.plan.summary()
        verb = "would import" if options["dry_run"] else "imported"
        self.stdout.write(
            f"{path.name}: {verb} {_people(summary['people'])} — {summary['created']} new, "
            f"{summary['updated']} updated, {summary['unchanged']} unchanged, "
            f"{summary['marked_left']} marked as left"
            + (
                ""
                if options["dry_run"]
                else f" (import #{outcome.batch.pk if outcome.batch else '?'})"
            )
        )

    def _actor(self, email: str | None) -> User | None:
        if not email:
            return None
        user = User.objects.filter(
            email__iexact=email.strip(), role="admin", is_active=True
        ).first()
        if user is None:
            raise CommandError(f"--as {email}: no active admin with that email", returncode=2)
        return user

    def _mapping(self, pairs: list[str], data: bytes, name: str) -> dict[str, int]:
        try:
            headers = services.parse_file(data, name).headers
        except ApplicationError as exc:
            raise CommandError(f"{name}: {exc.message}", returncode=2) from None
        overrides = {}
        for pair in pairs:
            field, separator, column = pair.partition("=")
            if not separator:
                raise CommandError(f"--map {pair}: write it as FIELD=COLUMN", returncode=2)
            overrides[field.strip()] = column
        mapping, problems = override_mapping(headers, overrides)
        if problems:
            raise CommandError(f"--map: {'; '.join(problems)}", returncode=2)
        return mapping

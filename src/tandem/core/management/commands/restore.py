"""``tandem restore FILE [--force]``: bring back a ``tandem backup`` archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database (or replace one with --force)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--force", action="store_true", help="replace a non-empty database")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["file"])
        if not source.is_file():
            raise CommandError(f"No backup at {source}.")
        try:
            manifest = restore(source, force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Restored the backup of {manifest['created_at']} from {source}")

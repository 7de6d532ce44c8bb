"""``tandem backup [FILE]``: the database, the secret key and uploaded files in one archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tandem.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write a backup archive (.tar.gz): database, secret key, uploaded files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="where to write it (default: a dated name)")

    def handle(self, *args: Any, **options: Any) -> None:
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        target = Path(options["file"] or f"tandem-backup-{stamp}.tar.gz")
        try:
            manifest = backup(target)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Backed up the {manifest['engine']} database ({len(manifest['migrations'])} "
            f"migrations){', the secret key' if manifest['secret_key'] else ''}"
            f"{', uploaded files' if manifest['media'] else ''} to {target}"
        )

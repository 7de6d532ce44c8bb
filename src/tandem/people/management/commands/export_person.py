from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.accounts.models import User, normalise_email
from tandem.people.rights import export_archive


class Command(BaseCommand):
    help = (
        "Write everything Tandem holds about one person to a ZIP (data.json and index.html), "
        "e.g. for someone who has left and can no longer sign in. Audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="the person's email address")
        parser.add_argument("--out", required=True, help="where to write the .zip")
        parser.add_argument(
            "--as",
            dest="actor",
            required=True,
            metavar="EMAIL",
            help="the admin producing the export (recorded in the audit log)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email=normalise_email(options["email"])).first()
        if user is None:
            raise CommandError(f"No one has the email address {options['email']!r}.")
        actor = User.objects.filter(email=normalise_email(options["actor"])).first()
        if actor is None or not actor.is_admin:
            raise CommandError(f"--as {options['actor']!r} is not an active admin.")
        _, data = export_archive(user=user, actor=actor)
        out = Path(options["out"])
        out.write_bytes(data)
        out.chmod(0o600)
        self.stdout.write(f"Wrote {len(data):,} bytes to {out} (readable by you only).")

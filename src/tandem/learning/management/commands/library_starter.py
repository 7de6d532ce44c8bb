"""``tandem library-starter [--as EMAIL]``: load the starter library into this organisation."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.accounts.models import Role, User
from tandem.learning.services.starter import starter_library_load


class Command(BaseCommand):
    help = (
        "Add Tandem's starter library (six guides, a ten-minute module and a partnership "
        "agreement) to the organisation-wide library; items already there are left alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as", dest="email", help="The admin it is recorded as (default: the first admin)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        admins = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk")
        admin = (
            admins.filter(email=options["email"]).first() if options["email"] else admins.first()
        )
        if admin is None:
            raise CommandError("No such admin: create one first (an admin owns the library).")
        added = starter_library_load(actor=admin)
        self.stdout.write(
            f"{added} starter items added." if added else "The starter library is already here."
        )

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from tandem.accounts.models import Role, User
from tandem.demo.org import DOMAIN
from tandem.demo.seed import DEMO_PASSWORD, is_seeded, seed_demo
from tandem.demo.serving import serve_with_worker, site_url_for, use_site_url


class Command(BaseCommand):
    help = "Migrate, seed a demo organisation (once) and serve Tandem with a background worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="address to serve on")
        parser.add_argument("--no-serve", action="store_true", help="seed only, do not serve")
        parser.add_argument("--size", type=int, default=560, help="people in the demo organisation")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"Database: {settings.DATABASES['default']['NAME']}")
        if is_seeded():
            self.stdout.write("Demo organisation already seeded (delete var/ to start afresh).")
            admin = User.objects.filter(role=Role.ADMIN, email__endswith=DOMAIN).first()
            coordinator = User.objects.filter(role=Role.COORDINATOR, email__endswith=DOMAIN).first()
            logins = [
                ("admin", admin.email if admin else "?"),
                ("coordinator", coordinator.email if coordinator else "?"),
                ("participant", f"priya.natarajan@{DOMAIN}"),
            ]
        else:
            self.stdout.write(f"Seeding a demo organisation of {options['size']} people …")
            created = seed_demo(size=options["size"])
            logins = [
                ("admin", created.admin),
                ("coordinator", created.coordinator),
                ("participant", created.participant),
            ]
        site_url = site_url_for(options["addr"])
        use_site_url(site_url)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Sign in at {site_url}/ with:"))
        for role, email in logins:
            self.stdout.write(f"  {role:12} {email:40} password: {DEMO_PASSWORD}")
        self.stdout.write("Mail is printed to this console and listed on the Outbox page.\n")
        if options["no_serve"]:
            return
        serve_with_worker(
            lambda: call_command("runserver", options["addr"], use_reloader=False),
            [sys.executable, "-m", "tandem.cli", "worker", "--with-periodic", "--interval", "2"],
            env={**os.environ, "SITE_URL": site_url},
        )

"""``tandem teams check | sync``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.integrations.teams.client import TeamsError
from tandem.integrations.teams.config import CHECK_PERMISSION
from tandem.integrations.teams.status import ASSIGNMENTS, teams_status


class Command(BaseCommand):
    help = (
        "Microsoft Teams: `check` the credentials (tokens for the Bot Connector and Graph) and "
        "the Graph permissions, or `sync` people by email."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("check", help="fetch tokens and read the granted Graph permissions")
        sync = sub.add_parser("sync", help="look everyone up in Microsoft Graph by email")
        sync.add_argument("--stale", action="store_true", help="only people not asked lately")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "check":
            self._check()
        else:
            self._sync(stale=options["stale"])

    def _check(self) -> None:
        status = teams_status(check=True)
        if not status.configured:
            raise CommandError(
                "Set TEAMS_APP_ID, TEAMS_APP_PASSWORD (or TEAMS_APP_CERTIFICATE_PATH) "
                "and TEAMS_TENANT_ID."
            )
        self.stdout.write(f"Credential: {status.credential}.")
        if not status.connector_ok:
            raise CommandError(
                f"No token for the Bot Connector from {status.token_url}: {status.error}."
            )
        self.stdout.write(f"Bot Connector token OK (from {status.token_url}).")
        if not status.graph_ok:
            raise CommandError(f"No token for Microsoft Graph: {status.error}.")
        where = " (stand-in)" if status.standin else ""
        self.stdout.write(f"Graph token OK: {status.graph_api_url}{where}.")
        if status.missing_permissions:
            raise CommandError(
                "Missing Graph application permissions: "
                + ", ".join(status.missing_permissions)
                + ". Add them under API permissions and grant admin consent."
            )
        if status.method == ASSIGNMENTS:
            self.stdout.write(
                f"Graph permissions OK ({len(status.granted)} granted, read from the app's "
                "role assignments)."
            )
            return
        self.stdout.write(
            f"Graph permissions OK: {len(status.granted)} confirmed by a harmless call."
        )
        if status.unchecked_permissions:
            self.stdout.write(
                "Not checked: "
                + ", ".join(status.unchecked_permissions)
                + f" (no harmless call; grant {CHECK_PERMISSION} to have every permission read)."
            )

    def _sync(self, *, stale: bool) -> None:
        from tandem.integrations.teams.services.people import directory_sync

        try:
            report = directory_sync(only_stale=stale)
        except TeamsError as exc:
            raise CommandError(f"Microsoft answered {exc.code}.") from None
        self.stdout.write(report.summary)
        if report.stopped_by:
            self.stdout.write(f"Stopped early: Microsoft answered {report.stopped_by}.")
        if report.missing:
            self.stdout.write("Not found in Teams:")
            for user in report.missing:
                self.stdout.write(f"  {user.name} <{user.email}>")
        for code, count in sorted(report.errors.items()):
            self.stdout.write(f"Errors: {code} × {count}")

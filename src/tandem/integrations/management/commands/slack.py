"""``tandem slack check | sync | socket | standin``."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.integrations.slack.client import SlackError
from tandem.integrations.slack.config import slack_settings
from tandem.integrations.slack.status import slack_status


class Command(BaseCommand):
    help = (
        "Slack: `check` the token and scopes, `sync` people by email, run the Socket Mode "
        "`socket` process, or a local `standin` of Slack's Web API (development only)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("check", help="verify SLACK_BOT_TOKEN (auth.test) and the granted scopes")
        sync = sub.add_parser("sync", help="look everyone up in Slack by email")
        sync.add_argument("--stale", action="store_true", help="only people not asked lately")
        sub.add_parser("socket", help="run the Socket Mode connection (long-running)")
        standin = sub.add_parser("standin", help="run a local stand-in of Slack's Web API")
        standin.add_argument("--port", type=int, default=8765)
        standin.add_argument(
            "--members", default="", help="comma-separated emails the stand-in knows"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "check":
            self._check()
        elif action == "sync":
            self._sync(stale=options["stale"])
        elif action == "socket":
            self._socket()
        else:
            self._standin(options["port"], options["members"])

    def _check(self) -> None:
        status = slack_status(check=True)
        if not slack_settings().bot_token:
            raise CommandError("SLACK_BOT_TOKEN is not set.")
        if not status.auth_ok:
            raise CommandError(f"auth.test failed: {status.error}")
        self.stdout.write(f"Token OK: workspace “{status.team}”, bot “{status.bot_user}”.")
        self.stdout.write(f"Web API: {status.api_url}{' (stand-in)' if status.standin else ''}")
        if status.missing_scopes:
            raise CommandError(
                "Missing scopes: "
                + ", ".join(status.missing_scopes)
                + ". Add them under OAuth & Permissions and reinstall the app."
            )
        self.stdout.write(f"Scopes OK ({len(status.granted)} granted).")
        if not status.configured:
            self.stdout.write(
                "Note: set SLACK_SIGNING_SECRET (request URLs) or SLACK_APP_TOKEN (Socket Mode) "
                "so Tandem can receive button presses and commands."
            )

    def _sync(self, *, stale: bool) -> None:
        from tandem.integrations.slack.services.people import directory_sync

        try:
            report = directory_sync(only_stale=stale)
        except SlackError as exc:
            raise CommandError(f"Slack answered {exc.code}.") from None
        self.stdout.write(report.summary)
        if report.stopped_by:
            self.stdout.write(f"Stopped early: Slack answered {report.stopped_by}.")
        if report.missing:
            self.stdout.write("Not found in Slack:")
            for user in report.missing:
                self.stdout.write(f"  {user.name} <{user.email}>")
        for code, count in sorted(report.errors.items()):
            self.stdout.write(f"Errors: {code} × {count}")

    def _socket(self) -> None:  # pragma: no cover - runs until stopped
        from tandem.integrations.slack.bolt_app import run_socket_mode

        config = slack_settings()
        if not config.app_token or not config.bot_token:
            raise CommandError("Socket Mode needs SLACK_APP_TOKEN (xapp-…) and SLACK_BOT_TOKEN.")
        self.stdout.write("Connecting to Slack in Socket Mode (Ctrl+C stops)…")
        run_socket_mode(config)

    def _standin(self, port: int, members: str) -> None:  # pragma: no cover - runs until stopped
        from tandem.integrations.slack.standin import SlackStandIn

        standin = SlackStandIn(token=slack_settings().bot_token or "xoxb-standin").start(port)
        for email in filter(None, (e.strip() for e in members.split(","))):
            standin.add_member(email)
        self.stdout.write(f"Slack stand-in (development only) at {standin.api_url}")
        self.stdout.write(
            f"Set SLACK_API_URL={standin.api_url} and SLACK_BOT_TOKEN={standin.token}"
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            standin.stop()

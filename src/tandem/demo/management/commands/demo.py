from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.accounts.models import Role, User
from tandem.demo.org import DOMAIN
from tandem.demo.seed import DEMO_PASSWORD, is_seeded, seed_demo
from tandem.demo.serving import serve_with_worker, site_url_for, use_site_url
from tandem.demo.slack import DEMO_SIGNING_SECRET, DEMO_TOKEN, standin_load, start_standin
from tandem.integrations.slack.standin import SlackStandIn

WORKER = [sys.executable, "-m", "tandem.cli", "worker", "--with-periodic", "--interval", "2"]


DEMO_PROVIDER_PORT = 9400


class Command(BaseCommand):
    help = "Migrate, seed a demo organisation (once) and serve Tandem with a background worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="address to serve on")
        parser.add_argument("--no-serve", action="store_true", help="seed only, do not serve")
        parser.add_argument("--size", type=int, default=560, help="people in the demo organisation")
        parser.add_argument(
            "--no-slack",
            action="store_true",
            help="do not start the local Slack stand-in (Slack then shows as not connected)",
        )
        parser.add_argument(
            "--sso",
            action="store_true",
            help="also start a local OpenID Connect provider (oidc-provider-mock) on port 9400 "
            "and offer “Sign in with Demo identity provider”",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"Database: {settings.DATABASES['default']['NAME']}")
        site_url = site_url_for(options["addr"])
        use_site_url(site_url)  # before seeding: the seed's emails link where the demo is served
        # Slack first, so the messages the seed writes go to the people who chose Slack.
        standin = None if options["no_slack"] or options["no_serve"] else self._slack()
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
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Sign in at {site_url}/ with:"))
        for role, email in logins:
            self.stdout.write(f"  {role:12} {email:40} password: {DEMO_PASSWORD}")
        self.stdout.write("Mail is printed to this console and listed on the Outbox page.\n")
        if options["no_serve"]:
            return
        if standin is not None:
            standin_load(standin)
        if options["sso"]:
            self._start_identity_provider(site_url, [email for _, email in logins])
        try:
            serve_with_worker(
                lambda: call_command("runserver", options["addr"], use_reloader=False),
                [
                    sys.executable,
                    "-m",
                    "tandem.cli",
                    "worker",
                    "--with-periodic",
                    "--interval",
                    "2",
                ],
                env={**os.environ, "SITE_URL": site_url},
            )
        finally:
            if standin is not None:
                standin.stop()

    def _slack(self) -> SlackStandIn | None:
        """Point Slack at a local stand-in (this process and the worker), unless a real
        workspace is configured."""
        if settings.SLACK_BOT_TOKEN and not settings.SLACK_API_URL.startswith("http://127."):
            self.stdout.write("Slack: using the configured workspace.")
            return None
        standin = start_standin()
        values = {
            "SLACK_API_URL": standin.api_url,
            "SLACK_BOT_TOKEN": DEMO_TOKEN,
            "SLACK_SIGNING_SECRET": DEMO_SIGNING_SECRET,
        }
        for name, value in values.items():
            os.environ[name] = value
            setattr(settings, name, value)
        self.stdout.write(
            f"Slack: connected to a local stand-in of Slack's Web API at {standin.api_url} "
            "(development only; nothing leaves this machine). --no-slack to leave it out."
        )
        return standin

    def _start_identity_provider(self, site_url: str, emails: list[str]) -> None:
        """A real OIDC provider in a thread, with the demo's three people as its users; their
        groups give the admin and coordinator roles, as a company's provider would."""
        try:
            from oidc_provider_mock import User as ProviderUser
            from oidc_provider_mock import run_server_in_thread
        except ImportError:
            raise CommandError(
                "--sso needs the development extras: pip install -e '.[dev]'"
            ) from None
        groups: list[list[str]] = [["tandem-admins"], ["tandem-coordinators"], []]
        users = [
            ProviderUser(
                sub=email,
                claims={"email": email, "email_verified": True, "groups": list(group)},
            )
            for email, group in zip(emails, groups, strict=False)
        ]
        # keep the context manager referenced: when it is collected the server stops
        self._provider = run_server_in_thread(port=DEMO_PROVIDER_PORT, user_claims=users)
        server = self._provider.__enter__()
        issuer = f"http://localhost:{server.server_port}"
        settings.SAML_SP_ENTITY_ID = f"{site_url}/sso/saml/metadata/"
        settings.OIDC_ISSUER = issuer
        settings.OIDC_CLIENT_ID = "tandem-demo"
        settings.OIDC_CLIENT_SECRET = "demo-only-secret"  # noqa: S105 - a local demo provider
        settings.OIDC_PROVIDER_NAME = "Demo identity provider"
        settings.TANDEM_SSO_ADMIN_GROUPS = ["tandem-admins"]
        settings.TANDEM_SSO_COORDINATOR_GROUPS = ["tandem-coordinators"]
        self.stdout.write(
            self.style.SUCCESS(f"Identity provider (OpenID Connect) at {issuer}: ")
            + "choose “Sign in with Demo identity provider”, then one of the listed people."
        )

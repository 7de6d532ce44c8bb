"""``tandem scim-token create --name NAME`` (prints the token once), ``list``, ``revoke ID``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.core.errors import ApplicationError
from tandem.scim.selectors import scim_tokens
from tandem.scim.services.tokens import scim_token_create, scim_token_revoke


class Command(BaseCommand):
    help = "Create, list or revoke SCIM bearer tokens for an identity provider."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print it once")
        create.add_argument("--name", required=True, help="which identity provider uses it")
        sub.add_parser("list", help="list tokens (never their secrets)")
        revoke = sub.add_parser("revoke", help="revoke a token by its id")
        revoke.add_argument("token_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                token, plaintext = scim_token_create(actor=None, name=options["name"])
                self.stderr.write(
                    f"SCIM token {token.pk} “{token.name}” created. It is shown only once:"
                )
                self.stdout.write(plaintext)
            elif options["action"] == "list":
                for token in scim_tokens():
                    state = "revoked" if token.revoked_at else "active"
                    used = token.last_used_at.isoformat() if token.last_used_at else "never"
                    self.stdout.write(f"{token.pk}\t{token.prefix}…\t{state}\t{used}\t{token.name}")
            else:
                token = scim_token_revoke(actor=None, token_id=options["token_id"])
                self.stdout.write(f"SCIM token {token.pk} “{token.name}” revoked.")
        except ApplicationError as exc:
            raise CommandError(exc.message) from None

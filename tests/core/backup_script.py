"""Run inside a child process by tests/core/test_backup.py: ``seed`` an installation, or
``check`` a restored one against the figures ``seed`` wrote."""

from __future__ import annotations

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
django.setup()

from django.apps import apps  # noqa: E402
from django.contrib.auth.tokens import default_token_generator  # noqa: E402
from django.core import signing  # noqa: E402
from django.core.management import call_command  # noqa: E402

from tandem.accounts.services import api_token_create, user_for_api_token  # noqa: E402


def counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def seed(out: str) -> None:
    call_command("migrate", verbosity=0)
    from tests.fuzz.world import build_world

    world = build_world()
    _, secret = api_token_create(user=world["participant"], name="backup")
    user = world["coordinator"]
    figures = {
        "counts": counts(),
        "api_token": secret,
        "user_id": user.pk,
        "reset_token": default_token_generator.make_token(user),
        "signed": signing.dumps({"relationship": world["relationship"].pk}),
    }
    with open(out, "w", encoding="utf-8") as file:
        json.dump(figures, file)


def check(path: str) -> None:
    from tandem.accounts.models import User

    with open(path, encoding="utf-8") as file:
        figures = json.load(file)
    assert counts() == figures["counts"], "row counts differ"
    assert user_for_api_token(figures["api_token"]) is not None, "API token lost"
    user = User.objects.get(pk=figures["user_id"])
    assert default_token_generator.check_token(user, figures["reset_token"]), "reset link broke"
    assert signing.loads(figures["signed"])["relationship"] > 0, "signed value broke"
    print("restore ok")


if __name__ == "__main__":
    {"seed": seed, "check": check}[sys.argv[1]](sys.argv[2])

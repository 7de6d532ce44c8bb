"""Child process of the publish crash drill: publishes one match run (``run_publish``, the service
behind the coordinator's Publish button), saying when it starts."""

from __future__ import annotations

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
django.setup()

from tandem.accounts.models import User  # noqa: E402
from tandem.matches.models import MatchRun  # noqa: E402
from tandem.matches.services.publish import run_publish  # noqa: E402

run = MatchRun.objects.get(pk=int(sys.argv[1]))
admin = User.objects.get(pk=int(sys.argv[2]))
print("publishing", flush=True)
started = time.monotonic()
created = run_publish(actor=admin, run=run)
print(f"published {len(created)} in {time.monotonic() - started:.2f} s", flush=True)

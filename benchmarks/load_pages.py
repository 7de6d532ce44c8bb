"""A small, bounded load test of the web pages (issue 19): N simulated people — four in five
participants, one in five coordinators — sign in to a Tandem already serving the demo seed and
click through their pages for a fixed time. Prints p50/p95/p99 per page and role, requests per
second and errors, as JSON lines.

Threads and ``requests`` (both already here) are enough at this size; for the full benchmark of
issue 19 (item 1) a tool such as locust would add ramp-up and distributed load generators.

    DATABASE_URL=postgres://…/tandem_demo \\
      .venv/bin/python benchmarks/load_pages.py --url http://127.0.0.1:8000 --users 20 --seconds 60

The database is read once (who to sign in as); the load itself is plain HTTP to ``--url``, which
must be on this machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import threading
import time
from collections import defaultdict
from urllib.parse import urlparse

import requests


def people(users: int) -> tuple[str, list[tuple[str, str, list[str]]]]:
    """(role, email, pages) for each simulated person, from the seeded database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    django.setup()
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

    from tandem.accounts.models import Role, User
    from tandem.demo.org import DEMO_PASSWORD
    from tandem.programs.models import Program
    from tandem.relationships.models import Membership

    coordinators = list(
        User.objects.filter(role__in=[Role.COORDINATOR, Role.ADMIN], is_active=True).order_by("pk")
    )
    programs = list(Program.objects.order_by("pk").values_list("pk", flat=True))
    memberships = list(
        Membership.objects.filter(relationship__status="active", person__user__is_active=True)
        .exclude(person__user__password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .values_list("person__user__email", "relationship_id")
        .order_by("pk")
    )
    rng = random.Random(19)
    chosen = []
    for n in range(users):
        if n % 5 == 4 and coordinators:
            user = coordinators[n % len(coordinators)]
            program = rng.choice(programs)
            pages = ["/", "/programs/", f"/programs/{program}/", f"/insights/programs/{program}/"]
            chosen.append(("coordinator", user.email, pages))
        else:
            email, relationship = memberships[rng.randrange(len(memberships))]
            pages = ["/", f"/relationships/{relationship}/", "/people/me/", "/programs/"]
            chosen.append(("participant", email, pages))
    return DEMO_PASSWORD, chosen


def label(path: str) -> str:
    return re.sub(r"/\d+/", "/{id}/", path)


def simulate(
    base: str, password: str, role: str, email: str, pages: list[str], until: float, out: dict
) -> None:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=60)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    data = {
        "email": email,
        "password": password,
        "csrfmiddlewaretoken": token.group(1) if token else "",
    }
    signed_in = session.post(
        f"{base}/accounts/login/", data=data, timeout=60, allow_redirects=False
    )
    if signed_in.status_code != 302:
        out["errors"][(role, "sign-in")] += 1
        return
    rng = random.Random(email)
    while time.monotonic() < until:
        path = rng.choice(pages)
        started = time.perf_counter()
        try:
            response = session.get(f"{base}{path}", timeout=60)
            failed = response.status_code >= 400
        except requests.RequestException:
            failed = True
        elapsed = (time.perf_counter() - started) * 1000
        with out["lock"]:
            out["times"][(role, label(path))].append(elapsed)
            if failed:
                out["errors"][(role, label(path))] += 1
        time.sleep(rng.uniform(0.5, 1.5))  # a person reads the page before the next click


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    if urlparse(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error("--url must be on this machine")
    if not (1 <= args.users <= 50 and 1 <= args.seconds <= 180):
        parser.error("at most 50 users for at most 180 s")
    out: dict = {"lock": threading.Lock(), "times": defaultdict(list), "errors": defaultdict(int)}
    password, chosen = people(args.users)
    started = time.monotonic()
    until = started + args.seconds
    threads = [
        threading.Thread(target=simulate, args=(args.url.rstrip("/"), password, *who, until, out))
        for who in chosen
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    total = sum(len(v) for v in out["times"].values())
    every = [t for v in out["times"].values() for t in v]
    for (role, page), values in sorted(out["times"].items()):
        print(
            json.dumps(
                {
                    "role": role,
                    "page": page,
                    "requests": len(values),
                    "p50_ms": percentile(values, 0.5),
                    "p95_ms": percentile(values, 0.95),
                    "p99_ms": percentile(values, 0.99),
                    "errors": out["errors"][(role, page)],
                }
            )
        )
    print(
        json.dumps(
            {
                "all": True,
                "users": args.users,
                "seconds": round(wall, 1),
                "requests": total,
                "rps": round(total / wall, 1),
                "p50_ms": percentile(every, 0.5),
                "p95_ms": percentile(every, 0.95),
                "p99_ms": percentile(every, 0.99),
                "mean_ms": round(statistics.fmean(every), 1) if every else None,
                "errors": sum(out["errors"].values()),
                "load_average": os.getloadavg(),
            }
        )
    )


if __name__ == "__main__":
    main()

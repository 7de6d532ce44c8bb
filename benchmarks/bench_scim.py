"""SCIM provisioning throughput: what an identity provider's sync sees, request by request.

``scim`` bulk-creates N users the way Entra ID does (one POST each, Entra's body shape), then
PATCHes each one (title and department, Entra's PATCH shape), on SQLite in this process and then on
PostgreSQL in a child process (skipped with a note when PostgreSQL is not running). Requests go
through the whole Django stack (middleware, bearer token, JSON, the people services and audit),
without a socket. Entra ID's gallery requirement is at least 25 requests per second.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.django_env import drop_database, setup_django

CASES = [("scim", [10_000]), ("scim_pg", [10_000])]
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
DEPARTMENTS = ["Engineering", "Sales", "Data", "People", "Finance", "Support", "Design"]


def _user(i: int) -> dict[str, object]:
    email = f"person{i}@bench.example"
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        "externalId": f"oid-{i:06d}",
        "userName": email,
        "active": True,
        "displayName": f"Person {i}",
        "title": "Engineer",
        "emails": [{"primary": True, "type": "work", "value": email}],
        "name": {"formatted": f"Person {i}", "givenName": "Person", "familyName": str(i)},
        ENTERPRISE: {"employeeNumber": f"E{i:06d}", "department": DEPARTMENTS[i % 7]},
    }


def _patch(i: int) -> dict[str, object]:
    return {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [
            {"op": "Replace", "path": "title", "value": "Senior Engineer"},
            {
                "op": "Replace",
                "path": f"{ENTERPRISE}:department",
                "value": DEPARTMENTS[(i + 1) % 7],
            },
        ],
    }


def _measure(n: int) -> dict[str, object]:
    from django.test import Client

    from tandem.people.models import Person
    from tandem.scim.services.tokens import scim_token_create

    _, token = scim_token_create(actor=None, name="bench")
    client = Client(headers={"Authorization": f"Bearer {token}"})
    ids = []
    cpu_started = time.process_time()
    started = time.perf_counter()
    for i in range(n):
        response = client.post(
            "/scim/v2/Users", json.dumps(_user(i)), content_type="application/scim+json"
        )
        assert response.status_code == 201, response.content
        ids.append(response.json()["id"])
    create_seconds = time.perf_counter() - started
    create_cpu = time.process_time() - cpu_started
    cpu_started = time.process_time()
    started = time.perf_counter()
    for i, user_id in enumerate(ids):
        response = client.patch(
            f"/scim/v2/Users/{user_id}", json.dumps(_patch(i)), content_type="application/scim+json"
        )
        assert response.status_code == 200, response.content
    patch_seconds = time.perf_counter() - started
    patch_cpu = time.process_time() - cpu_started
    assert Person.objects.filter(job_title="Senior Engineer").count() == n
    return {
        "users": n,
        "create_seconds": round(create_seconds, 1),
        "create_per_second": round(n / create_seconds, 1),
        "patch_seconds": round(patch_seconds, 1),
        "patch_per_second": round(n / patch_seconds, 1),
        # CPU time of this process only (not PostgreSQL's): what one free core would sustain
        "create_per_cpu_second": round(n / create_cpu, 1),
        "patch_per_cpu_second": round(n / patch_cpu, 1),
    }


def run_case(case: str, n: int) -> dict[str, object]:
    postgres = case.endswith("_pg")
    if (
        postgres
        and subprocess.run(
            ["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"], check=False
        ).returncode
    ):
        return {"case": case, "n": n, "database": "postgresql", "skipped": "PostgreSQL not running"}
    database = setup_django(postgres=postgres)
    try:
        result: dict[str, object] = {"case": case, "n": n, "database": database, **_measure(n)}
    finally:
        drop_database()
    if case == "scim":  # the same run on PostgreSQL, so `make bench CASE=scim` shows both
        result["postgresql"] = _child("scim_pg", n)
    return result


def _child(case: str, n: int) -> object:
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    env.pop("DATABASE_URL", None)
    proc = subprocess.run(
        [
            sys.executable,
            str(root / "benchmarks" / "run.py"),
            "--child",
            "bench_scim",
            case,
            str(n),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else {"error": proc.stderr.strip()[-300:]}

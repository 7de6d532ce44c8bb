"""The optional read replica (issue 19, docs/scaling.md step 3), with a read-only PostgreSQL role
on the test database standing in for the replica: insights pages, the KPI API and exports read
from it and still work (their audit rows are written to the primary); nothing is ever written
through it; a person who has just changed something reads from the primary for a short window."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext

from tandem.audit.models import AuditEntry
from tandem.core import replica
from tests.conftest import client_for
from tests.drills import ROOT
from tests.factories import EnrolmentFactory, PersonFactory, ProgramFactory, RelationshipFactory

pytestmark = pytest.mark.django_db(transaction=True)  # the replica sees committed rows only
WRITES = ("INSERT", "UPDATE", "DELETE")


def _on_postgres() -> bool:
    return connections["default"].vendor == "postgresql"


@pytest.fixture
def read_only_replica(settings, monkeypatch):
    """A ``replica`` alias logging in as a role that may only SELECT, on the same database."""
    if not _on_postgres():
        pytest.skip("the replica stand-in is a read-only PostgreSQL role; this run is on SQLite")
    primary = connections["default"].settings_dict
    role = f"ro_{uuid.uuid4().hex[:12]}"
    password = uuid.uuid4().hex
    with connections["default"].cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} LOGIN PASSWORD %s", [password])
        cursor.execute(f'GRANT CONNECT ON DATABASE "{primary["NAME"]}" TO {role}')
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
        cursor.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
        cursor.execute(f"ALTER ROLE {role} SET default_transaction_read_only = on")
    conf = {**primary, "USER": role, "PASSWORD": password}
    # What DATABASE_REPLICA_URL sets up at start, made here after the test database exists: the
    # setting (tandem.core.replica reads it) and the connection (made by hand, as Django's test
    # case allows only the aliases that existed when it started).
    monkeypatch.setattr(
        django_settings, "DATABASES", {**django_settings.DATABASES, "replica": conf}
    )
    settings.DATABASE_ROUTERS = ["tandem.core.replica.ReplicaRouter"]
    connection = load_backend(conf["ENGINE"]).DatabaseWrapper(conf, "replica")
    connections["replica"] = connection
    yield connection
    connection.close()
    del connections["replica"]
    with connections["default"].cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {role}")
        cursor.execute(f"DROP ROLE {role}")


@pytest.fixture
def program(coordinator):
    program = ProgramFactory(name="Replica", status="active", coordinators=[coordinator])
    people = [PersonFactory() for _ in range(6)]
    for person in people:
        EnrolmentFactory(program=program, person=person)
    for first, second in zip(people[::2], people[1::2], strict=True):
        RelationshipFactory(program=program, status="active", members=[first, second])
    return program


def _reads(connection, fn):
    with CaptureQueriesContext(connection) as queries:
        response = fn()
    return response, [q["sql"] for q in queries.captured_queries]


def test_insights_pages_and_exports_read_from_the_replica_and_write_to_the_primary(
    read_only_replica, program, coordinator, admin
):
    pages = {  # url: (who, is the read audited — the organisation overview shows no one's data)
        f"/insights/programs/{program.pk}/": (coordinator, True),
        "/insights/": (admin, False),
        f"/insights/programs/{program.pk}/export.csv": (coordinator, True),
        f"/insights/programs/{program.pk}/report/": (coordinator, True),
        f"/api/programs/{program.pk}/kpis": (coordinator, True),
    }
    for url, (user, audited) in pages.items():
        client = client_for(user)
        before = AuditEntry.objects.count()
        response, on_replica = _reads(
            read_only_replica, lambda url=url, client=client: client.get(url)
        )
        assert response.status_code == 200, url
        assert on_replica, f"{url} read nothing from the replica"
        assert not [q for q in on_replica if q.lstrip().upper().startswith(WRITES)], url
        assert AuditEntry.objects.count() == before + audited, url  # written to the primary


def test_other_pages_read_from_the_primary(read_only_replica, program, coordinator):
    client = client_for(coordinator)
    response, on_replica = _reads(read_only_replica, lambda: client.get(f"/programs/{program.pk}/"))
    assert response.status_code == 200
    assert on_replica == []


def test_the_stand_in_refuses_writes(read_only_replica, program):
    """So the passing pages above prove that nothing was written through the replica."""
    from django.db import DatabaseError

    with pytest.raises(DatabaseError), read_only_replica.cursor() as cursor:
        cursor.execute("UPDATE programs_program SET name = 'x' WHERE id = %s", [program.pk])


def test_a_person_who_just_wrote_reads_their_dashboard_from_the_primary(
    read_only_replica, program, coordinator, monkeypatch
):
    client = client_for(coordinator)
    dashboard = f"/insights/programs/{program.pk}/"
    assert client.post("/relationships/calendar/create/").status_code == 200  # a change

    response, on_replica = _reads(read_only_replica, lambda: client.get(dashboard))
    assert response.status_code == 200
    assert on_replica == []  # within the window: the primary, which has the change

    later = replica.time.time() + 31  # REPLICA_STICKY_SECONDS defaults to 30
    monkeypatch.setattr(replica.time, "time", lambda: later)
    response, on_replica = _reads(read_only_replica, lambda: client.get(dashboard))
    assert response.status_code == 200
    assert on_replica


def test_without_a_replica_a_change_leaves_the_session_alone(coordinator):
    client = client_for(coordinator)
    assert client.post("/relationships/calendar/create/").status_code == 200
    assert replica.WROTE_AT not in client.session


def _settings_with(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'tandem.settings'; "
        "from django.conf import settings; "
        "print(sorted(settings.DATABASES), settings.DATABASE_ROUTERS)"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**base, **env, "PYTHONPATH": str(ROOT / "src")},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_setting_adds_the_alias_and_the_router():
    done = _settings_with(
        {
            "DATABASE_URL": "postgres://app@db.example/tandem",
            "DATABASE_REPLICA_URL": "postgres://reader@replica.example/tandem",
        }
    )
    assert done.returncode == 0, done.stderr
    assert "['default', 'replica'] ['tandem.core.replica.ReplicaRouter']" in done.stdout


def test_a_replica_without_a_primary_url_is_refused_with_a_clear_message():
    done = _settings_with({"DATABASE_REPLICA_URL": "postgres://reader@replica.example/tandem"})
    assert done.returncode != 0
    assert "DATABASE_REPLICA_URL needs DATABASE_URL" in done.stderr

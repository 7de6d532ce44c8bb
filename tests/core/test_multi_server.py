"""Several app servers and workers on one PostgreSQL (issue 19): two gunicorn servers, three
``tandem worker`` processes and two ``tandem runperiodic`` runners at once, each with a data
folder of its own (nothing shared but the database and the secret key). Proves that a session
made on one server works on the other, an upload made through one is read through the other,
every outbox message reaches the SMTP server once, every periodic job runs once per due time and
a match run queued three times is executed once."""

from __future__ import annotations

import random
import re
import secrets
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import requests
from aiosmtpd.controller import Controller
from benchmarks.bench_matching_product import seed
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from tandem.accounts.models import User
from tandem.core.models import PeriodicJobState
from tandem.core.periodic import registered_jobs
from tandem.matches.models import MatchRun, ProposalMember, RunStatus, UnmatchedPerson
from tandem.matches.services.criteria import current_criteria
from tandem.matches.tasks import execute_match_run
from tandem.notify.models import OutboxMessage, Status
from tandem.notify.outbox import enqueue, render_email
from tandem.people.models import ImportBatch
from tests.core.test_backup import _pg_ready, _suite_engine
from tests.drills import ROOT, child_env, finish, start, wait_for
from tests.notify.test_outbox import SmtpSink, free_port

GUNICORN = Path(sys.executable).with_name("gunicorn")
PASSWORD = "multi-server-Passw0rd"
EMAILS = 40
PEOPLE = 40


def _pbkdf2(password: str) -> str:
    """The servers' own hasher (the suite's MD5 speed-up is not in their settings)."""
    hasher = PBKDF2PasswordHasher()
    return hasher.encode(password, hasher.salt())


def _seed() -> tuple[User, MatchRun]:
    admin, program = seed(PEOPLE, random.Random(5))
    User.objects.filter(pk=admin.pk).update(password=_pbkdf2(PASSWORD))
    run = MatchRun.objects.create(
        program=program, criteria=current_criteria(program), participants=PEOPLE
    )
    with transaction.atomic():
        enqueue(
            render_email(
                "password_reset",
                templates="accounts/email",
                event_key=f"multi:{n}",
                recipient=f"person{n}@example.com",
                context={"reset_url": f"https://tandem.test/reset/{n}/"},
            )
            for n in range(EMAILS)
        )
    return admin, run


def _server(port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen(
            [str(GUNICORN), "tandem.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1", "--timeout", "90"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _up(url: str) -> bool:
    try:
        return requests.get(f"{url}/health/", timeout=60).status_code == 200
    except requests.ConnectionError:  # not listening yet
        return False


def _csrf(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=30)
    assert page.status_code == 200, page.status_code
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_servers_three_workers_and_two_periodic_runners_share_one_postgresql(tmp_path):
    if _suite_engine() != "postgres" or not _pg_ready():
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…): SQLite serves one machine")
    admin, run = _seed()
    for _ in range(3):  # a double click and a retry: three tasks for one run
        execute_match_run.enqueue(run.pk)

    sink = SmtpSink()
    smtp_port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    shared = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "0",
    }

    def env(name: str) -> dict[str, str]:
        return child_env(**shared, TANDEM_DATA_DIR=str(tmp_path / name))

    ports = [free_port(), free_port()]
    a, b = (f"http://127.0.0.1:{port}" for port in ports)
    processes: list[subprocess.Popen] = []
    try:
        processes += [
            _server(port, env(f"server{i}"), tmp_path / f"server{i}.log")
            for i, port in enumerate(ports)
        ]
        wait_for(lambda: _up(a) and _up(b), timeout=120)  # booting one by one: 2 cores
        processes += [
            start(["-m", "tandem.cli", "worker", "--interval", "0.5"], env(f"worker{i}"))
            for i in range(3)
        ]

        # a session made on server A is valid on server B
        browser = requests.Session()
        token = _csrf(browser, f"{a}/accounts/login/")
        signed_in = browser.post(
            f"{a}/accounts/login/",
            data={"email": admin.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
            timeout=30,
            allow_redirects=False,
        )
        assert signed_in.status_code == 302, signed_in.text[-500:]
        # an upload made through A is read through B (uploads live in the database)
        token = _csrf(browser, f"{b}/people/import/")
        uploaded = browser.post(
            f"{a}/people/import/",
            data={"csrfmiddlewaretoken": token},
            files={"file": ("hr-export.csv", b"email,name\nnew.hire@example.com,New Hire\n")},
            timeout=30,
            allow_redirects=False,
        )
        assert uploaded.status_code == 302, uploaded.text[-500:]
        preview = browser.get(f"{b}{uploaded.headers['Location']}", timeout=30)
        assert preview.status_code == 200 and "new.hire@example.com" in preview.text
        assert ImportBatch.objects.count() == 1

        # two periodic runners at once, twice: every job runs once per due time
        for round_ in range(2):
            runners = [
                start(["-m", "tandem.cli", "runperiodic"], env(f"periodic{i}")) for i in range(2)
            ]
            outputs = "\n".join(finish(runner, timeout=150) for runner in runners)
            ran = Counter(re.findall(r"^([\w.]+): ok", outputs, flags=re.MULTILINE))
            expected = {job.name: 1 for job in registered_jobs()} if round_ == 0 else {}
            assert ran == expected, outputs
        assert set(PeriodicJobState.objects.values_list("runs", flat=True)) == {1}

        # the match run was executed once; the outbox drained, one copy of each message
        wait_for(lambda: not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists(), 60)
        results = Counter(DBTaskResult.objects.values_list("return_value", flat=True))
        assert results["already taken"] == 2 and results.total() == 3  # one task solved it
        run.refresh_from_db()
        assert run.status == RunStatus.DONE
        people = Counter(ProposalMember.objects.filter(proposal__run=run).values_list("person"))
        people.update(UnmatchedPerson.objects.filter(run=run).values_list("person"))
        assert len(people) == PEOPLE and set(people.values()) == {1}
        wait_for(lambda: not OutboxMessage.objects.exclude(status=Status.SENT).exists(), 60)
        received = Counter(m["Message-ID"] for m in sink.received)
        assert set(received) == {m.message_id for m in OutboxMessage.objects.all()}
        assert len(received) >= EMAILS and set(received.values()) == {1}
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        controller.stop()

"""The load benchmark of issue 19: a fresh PostgreSQL database with 10,000 people in 5 programs
and six months of history, gunicorn with N sync workers, and locust (headless, 127.0.0.1 only)
stepping through 10, 25, 50 and 100 simulated people signed in for real — four participants
(home, relationship, meeting, logging a meeting, a goal, their survey) to one coordinator
(program desk, relationship health, dashboard, match run review, KPI export).

    make bench CASE=load_pg                 # N = people; the rest from the environment:
    BENCH_LOAD_WORKERS=2 BENCH_LOAD_STEPS=10,25,50,100 BENCH_LOAD_SECONDS=75 make bench CASE=load_pg

Prints one JSON line: per step, requests per second, p50/p95/p99 per page and per role, errors,
the most PostgreSQL connections seen (pg_stat_activity, sampled every 0.5 s) and where the CPU
went (gunicorn workers, PostgreSQL backends, locust); then the knee (the first step whose p95
over all pages is at least twice the first step's) and the goals at 50 people (participant p95
≤ 150 ms, coordinator p95 ≤ 400 ms). The load generator shares the machine's cores.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import psutil

from benchmarks.django_env import drop_database, setup_django

CASES = [("load_pg", [10_000])]
TIMEOUT_SECONDS = (
    1800  # seeding, five load steps and their sign-ins; run.py uses it unless --timeout
)
HERE = Path(__file__).resolve().parent
PROGRAMS = 5
WAITING = 100  # per program: enrolled, not yet matched — the match run the coordinators review
PASSWORD = "load-bench-password-1"  # noqa: S105 — a throwaway database, dropped at the end
MONTHS = 6
GOALS = {"participant": 150.0, "coordinator": 400.0}  # p95 ms at 50 people (issue 19)


def _settings() -> dict[str, Any]:
    steps = [int(s) for s in os.environ.get("BENCH_LOAD_STEPS", "10,25,50,100").split(",")]
    seconds = int(os.environ.get("BENCH_LOAD_SECONDS", "75"))
    workers = int(os.environ.get("BENCH_LOAD_WORKERS", "2"))
    if not (all(1 <= s <= 200 for s in steps) and 10 <= seconds <= 300 and 1 <= workers <= 16):
        raise SystemExit("bench_load: steps 1–200 people, 10–300 s each, 1–16 workers")
    return {
        "steps": steps,
        "seconds": seconds,
        "workers": workers,
        "max_requests": int(os.environ.get("BENCH_LOAD_MAX_REQUESTS", "30000")),
    }


# --- seeding -----------------------------------------------------------------------------------


def seed(n: int) -> dict[str, Any]:
    """Five peer-pair programs of n/5 people each, bulk SQL for the people and their six months
    of meetings, logs and goals; services for what coordinators see as it is (an open check-in
    survey, a match run of the people still waiting)."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from tandem.accounts.models import Role, User
    from tandem.programs.services.setup import program_create

    admin = User.objects.create_user("admin@load.example", "Admin", PASSWORD, role=Role.ADMIN)
    hashed = make_password(PASSWORD)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO people_department (name) SELECT 'Dept ' || g FROM generate_series(1, 20) g",
            [],
        )
    programs = []
    for k in range(1, PROGRAMS + 1):
        coordinator = User.objects.create_user(
            f"coordinator{k}@load.example", f"Coordinator {k}", PASSWORD, role=Role.COORDINATOR
        )
        program = program_create(
            actor=coordinator,
            name=f"Load program {k}",
            kind="peer_pairs",
            code_of_conduct="Be kind.",
            confidentiality="What is said stays between you.",
        )
        program.coordinators.add(admin)
        _seed_program(program.pk, k, n // PROGRAMS, hashed)
        programs.append((program, coordinator))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE", [])
    return {"admin": admin, "programs": programs}


def _seed_program(program: int, k: int, size: int, hashed: str) -> None:
    from django.db import connection

    pairs = (size - WAITING) // 2
    like = f"k{k}p%@load.example"  # a parameter: psycopg passes the % through
    statements = [
        (
            "INSERT INTO accounts_user (password, email, name, role, is_active, date_joined, last_login) "
            "SELECT %s, 'k' || %s || 'p' || g || '@load.example', 'Person ' || %s || '-' || g, "
            "'participant', true, now() - interval '300 days', now() - (g %% 40) * interval '1 day' "
            "FROM generate_series(1, %s) g",
            [hashed, k, k, size],
        ),
        (
            "INSERT INTO people_person (user_id, employee_id, department_id, team, job_title, level, location, "
            "timezone, languages, status, work_start, work_end, goals, updated_at) "
            "SELECT u.id, 'E' || u.id, (SELECT min(id) FROM people_department) + (u.id %% 20), 'Team ' || (u.id %% 7), "
            "'Analyst', 1 + (u.id %% 8), 'Berlin', 'Europe/Berlin', '[\"en\"]'::jsonb, 'active', '09:00', '17:00', '', now() "
            "FROM accounts_user u WHERE u.email LIKE %s",
            [like],
        ),
        (
            "INSERT INTO programs_enrolment (program_id, person_id, status, role, capacity, source, accepted_guidelines_at, "
            "created_at, updated_at) SELECT %s, p.id, 'active', 'peer', 1, 'self', now() - interval '200 days', "
            "now() - interval '200 days' + (p.id %% 10) * interval '1 day', now() FROM people_person p "
            "JOIN accounts_user u ON u.id = p.user_id WHERE u.email LIKE %s",
            [program, like],
        ),
        (
            "INSERT INTO relationships_relationship (program_id, status, score, explanation, created_at, activated_at, "
            "end_note, end_reason, health, health_reasons, meetings_held, meetings_missed, topic_counts, reciprocity, "
            "crosses_departments) SELECT %s, CASE WHEN g %% 25 = 0 THEN 'ended' ELSE 'active' END, "
            "0.5, '[]'::jsonb, now() - interval '185 days', now() - interval '182 days', '', '', "
            "(ARRAY['on_track','on_track','on_track','attention','at_risk'])[1 + g %% 5], '[]'::jsonb, 0, 0, '{}'::jsonb, '', false "
            "FROM generate_series(1, %s) g",
            [program, pairs],
        ),
        (
            "WITH r AS (SELECT id, row_number() OVER (ORDER BY id) AS k FROM relationships_relationship WHERE program_id = %s), "
            "p AS (SELECT p.id, row_number() OVER (ORDER BY p.id) AS k FROM people_person p "
            "JOIN accounts_user u ON u.id = p.user_id WHERE u.email LIKE %s) "
            "INSERT INTO relationships_membership (relationship_id, person_id, role, explanation, accepted_at, decline_reason, "
            "logs_written) SELECT r.id, p.id, 'peer', '[]'::jsonb, now() - interval '183 days', '', 0 "
            "FROM r JOIN p ON p.k IN (2 * r.k - 1, 2 * r.k)",
            [program, like],
        ),
        (  # every two weeks for six months: held or missed in the past, one still to come
            "INSERT INTO relationships_meeting (relationship_id, kind, starts_at, ends_at, timezone, location, video_url, "
            "status, uid, sequence, organiser_id, coordinator_invited, created_at, updated_at) "
            "SELECT r.id, 'regular', r.activated_at + g * interval '14 days', r.activated_at + g * interval '14 days' + interval '1 hour', "
            "'Europe/Berlin', '', '', CASE WHEN r.activated_at + g * interval '14 days' > now() THEN 'scheduled' "
            "WHEN (r.id + g) %% 9 = 0 THEN 'missed' ELSE 'held' END, 'load-' || r.id || '-' || g, 0, "
            "r.organiser, false, r.activated_at + g * interval '14 days' - interval '10 days', now() "
            "FROM (SELECT r.id, r.activated_at, min(m.person_id) AS organiser FROM relationships_relationship r "
            "JOIN relationships_membership m ON m.relationship_id = r.id WHERE r.program_id = %s GROUP BY r.id) r, "
            "generate_series(1, 13) g",
            [program],
        ),
        (
            "INSERT INTO relationships_meetinglog (meeting_id, author_id, takeaways, next_steps, created_at, updated_at) "
            "SELECT m.id, m.organiser_id, 'Useful.', 'Read the chapter.', m.ends_at, m.ends_at FROM relationships_meeting m "
            "JOIN relationships_relationship r ON r.id = m.relationship_id "
            "WHERE r.program_id = %s AND m.status = 'held' AND m.id %% 3 = 0",
            [program],
        ),
        (
            "INSERT INTO relationships_loggedtopic (log_id, title, brought_by_id) "
            "SELECT l.id, 'Career next steps', l.author_id FROM relationships_meetinglog l "
            "JOIN relationships_meeting m ON m.id = l.meeting_id "
            "JOIN relationships_relationship r ON r.id = m.relationship_id WHERE r.program_id = %s",
            [program],
        ),
        (
            "INSERT INTO relationships_goal (relationship_id, owner_id, title, why, metric, target, target_date, status, "
            "progress, created_at) SELECT m.relationship_id, m.person_id, 'Present at the all-hands', '', 'talks given', "
            "'1', CURRENT_DATE + 30, (ARRAY['active','active','done','dropped'])[1 + m.id %% 4], 50, now() - interval '150 days' "
            "FROM relationships_membership m JOIN relationships_relationship r ON r.id = m.relationship_id "
            "WHERE r.program_id = %s",
            [program],
        ),
        (
            "UPDATE relationships_relationship r SET meetings_held = s.held, meetings_missed = s.missed, "
            "first_meeting_at = s.first, last_meeting_at = s.last FROM (SELECT relationship_id, "
            "count(*) FILTER (WHERE status = 'held') AS held, count(*) FILTER (WHERE status = 'missed') AS missed, "
            "min(starts_at) FILTER (WHERE status = 'held') AS first, max(starts_at) FILTER (WHERE status = 'held') AS last "
            "FROM relationships_meeting GROUP BY relationship_id) s WHERE s.relationship_id = r.id AND r.program_id = %s",
            [program],
        ),
        (
            "UPDATE relationships_relationship r SET topic_counts = s.counts, reciprocity = 'one_sided' FROM (SELECT relationship_id, "
            "jsonb_object_agg(person, n) AS counts FROM (SELECT m.relationship_id, t.brought_by_id::text AS person, "
            "count(*) AS n FROM relationships_loggedtopic t JOIN relationships_meetinglog l ON l.id = t.log_id "
            "JOIN relationships_meeting m ON m.id = l.meeting_id GROUP BY 1, 2) x GROUP BY relationship_id) s "
            "WHERE s.relationship_id = r.id AND r.program_id = %s",
            [program],
        ),
        (
            "UPDATE relationships_relationship r SET crosses_departments = s.n > 1 FROM (SELECT m.relationship_id, "
            "count(DISTINCT p.department_id) AS n FROM relationships_membership m JOIN people_person p ON p.id = m.person_id "
            "GROUP BY 1) s WHERE s.relationship_id = r.id AND r.program_id = %s",
            [program],
        ),
        (
            "UPDATE programs_enrolment e SET first_matched_at = s.first FROM (SELECT m.person_id, min(r.created_at) AS first "
            "FROM relationships_membership m JOIN relationships_relationship r ON r.id = m.relationship_id "
            "WHERE r.program_id = %s GROUP BY 1) s WHERE s.person_id = e.person_id AND e.program_id = %s",
            [program, program],
        ),
        (
            "UPDATE relationships_membership ms SET logs_written = s.n FROM (SELECT m.relationship_id, l.author_id, "
            "count(*) AS n FROM relationships_meetinglog l JOIN relationships_meeting m ON m.id = l.meeting_id "
            "JOIN relationships_relationship r ON r.id = m.relationship_id WHERE r.program_id = %s "
            "GROUP BY 1, 2) s WHERE s.relationship_id = ms.relationship_id AND s.author_id = ms.person_id",
            [program],
        ),
        ("UPDATE programs_program SET status = 'active' WHERE id = %s", [program]),
    ]
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


def prepare(world: dict[str, Any]) -> dict[str, Any]:
    """What coordinators review (a check-in survey open to everyone, a match run of the people
    waiting) and the plan locust follows: who signs in and which of their pages they visit."""
    from tandem.feedback.models import Participation
    from tandem.feedback.services.stages import survey_transition
    from tandem.feedback.services.surveys import survey_from_template
    from tandem.matches.models import MatchRun
    from tandem.matches.services.runs import run_create
    from tandem.relationships.models import Goal, Meeting, Membership

    plan: dict[str, Any] = {"password": PASSWORD, "participants": [], "coordinators": []}
    for program, coordinator in world["programs"]:
        survey = survey_from_template(actor=coordinator, program=program, kind="checkin")
        survey = survey_transition(actor=coordinator, survey=survey, to="open")
        run = run_create(actor=coordinator, program=program)
        run = MatchRun.objects.get(pk=run.pk)
        invited = set(Participation.objects.filter(survey=survey).values_list("person", flat=True))
        plan["coordinators"].append(
            {
                "email": coordinator.email,
                "program": program.pk,
                "run": run.pk,
                "run_status": run.status,
            }
        )
        members = (
            Membership.objects.filter(relationship__program=program, relationship__status="active")
            .order_by("relationship_id")
            .values_list("person_id", "person__user__email", "relationship_id")[:400]
        )
        for person, email, relationship in members[::4]:
            meeting = (
                Meeting.objects.filter(relationship_id=relationship, status="held")
                .order_by("-starts_at")
                .values_list("pk", flat=True)
                .first()
            )
            goal = (
                Goal.objects.filter(relationship_id=relationship, owner_id=person)
                .values_list("pk", flat=True)
                .first()
            )
            if meeting and goal and person in invited:
                plan["participants"].append(
                    {
                        "email": email,
                        "person": person,
                        "relationship": relationship,
                        "meeting": meeting,
                        "goal": goal,
                        "survey": survey.pk,
                    }
                )
    # interleave programs so that 10 people already come from all five
    plan["participants"].sort(key=lambda p: (p["relationship"] % 1000, p["relationship"]))
    return plan


# --- measuring ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_up(url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    import requests

    until = time.monotonic() + timeout
    while time.monotonic() < until:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited at start")
        try:
            if requests.get(f"{url}/health/", timeout=5).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer within a minute")


class Sampler:
    """Every 0.5 s: PostgreSQL connections to the benchmark database (pg_stat_activity); every
    2 s: the CPU seconds used so far by gunicorn, PostgreSQL backends, locust and the machine."""

    def __init__(self, dsn: str, database: str, gunicorn: int) -> None:
        import psycopg

        self.conn = psycopg.connect(dsn, autocommit=True)
        self.database = database
        self.gunicorn = gunicorn
        self.locust: int | None = None
        self.max_connections = 0
        self.max_active = 0
        self.cpu: list[tuple[float, dict[str, float]]] = []
        self._seen: dict[str, dict[int, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        tick = 0
        while not self._stop.is_set():
            row = self.conn.execute(
                "SELECT count(*), count(*) FILTER (WHERE state = 'active') FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.database],
            ).fetchone()
            if row:
                self.max_connections = max(self.max_connections, int(row[0]))
                self.max_active = max(self.max_active, int(row[1]))
            if tick % 4 == 0:
                self.snapshot()
            tick += 1
            self._stop.wait(0.5)

    def snapshot(self) -> None:
        for part, by_pid in cpu_seconds(self.gunicorn, self.locust, self.database).items():
            self._seen.setdefault(part, {}).update(by_pid)
        # A process that has exited keeps the CPU it used (its last reading): a PostgreSQL backend
        # that closes between two snapshots must not make the sum go down.
        parts = {part: sum(by_pid.values()) for part, by_pid in self._seen.items()}
        machine = psutil.cpu_times()
        parts["machine"] = float(machine.user + machine.system + getattr(machine, "nice", 0.0))
        self.cpu.append((time.time(), parts))

    def cores_used(self, start: float, end: float) -> dict[str, float]:
        """Average cores each part used between two moments (nearest snapshots)."""
        inside = [c for c in self.cpu if start <= c[0] <= end]
        if len(inside) < 2:
            return {}
        (t0, first), (t1, last) = inside[0], inside[-1]
        return {part: round((last[part] - first[part]) / (t1 - t0), 2) for part in last}

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.snapshot()
        self.conn.close()


def cpu_seconds(gunicorn: int, locust: int | None, database: str) -> dict[str, dict[int, float]]:
    """CPU seconds used so far by each process of each part, by pid."""

    def total(proc: psutil.Process) -> float | None:
        try:
            t = proc.cpu_times()
            return float(t.user + t.system)
        except psutil.Error:
            return None

    def readings(procs: list[psutil.Process]) -> dict[int, float]:
        found = {proc.pid: total(proc) for proc in procs}
        return {pid: seconds for pid, seconds in found.items() if seconds is not None}

    parts: dict[str, dict[int, float]] = {"gunicorn": {}, "postgres": {}, "locust": {}}
    with contextlib.suppress(psutil.Error):
        root = psutil.Process(gunicorn)
        parts["gunicorn"] = readings([root, *root.children(recursive=True)])
    if locust is not None:
        with contextlib.suppress(psutil.Error):
            parts["locust"] = readings([psutil.Process(locust)])
    backends = []
    for proc in psutil.process_iter(["name", "cmdline"]):
        cmdline = " ".join(proc.info.get("cmdline") or [])
        if cmdline.startswith("postgres:") and f" {database} " in f"{cmdline} ":
            backends.append(proc)
    parts["postgres"] = readings(backends)
    return parts


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def summarise(samples: list[list[Any]], start: float, end: float) -> dict[str, Any]:
    """Percentiles per page, per role and over all pages, of the samples in the steady state
    (everyone signed in); sign-ins are reported on their own."""
    steady = [s for s in samples if start <= s[0] <= end and "sign-in" not in s[1]]
    by_page: dict[str, list[list[Any]]] = {}
    for sample in steady:
        by_page.setdefault(sample[1], []).append(sample)

    def stats(rows: list[list[Any]]) -> dict[str, Any]:
        times = [r[2] for r in rows]
        return {
            "requests": len(rows),
            "p50_ms": percentile(times, 0.5),
            "p95_ms": percentile(times, 0.95),
            "p99_ms": percentile(times, 0.99),
            "errors": sum(1 for r in rows if r[3]),
        }

    sign_ins = [s for s in samples if s[1].endswith(" sign-in")]
    return {
        "steady_seconds": round(end - start, 1),
        "requests_per_second": round(len(steady) / max(end - start, 1e-9), 1),
        "all": stats(steady),
        "roles": {
            role: stats([s for s in steady if s[1].startswith(f"{role} ")])
            for role in ("participant", "coordinator")
        },
        "pages": {name: stats(rows) for name, rows in sorted(by_page.items())},
        "sign_ins": stats(sign_ins),
        "error_messages": dict(Counter(f"{s[1]}: {s[3]}" for s in samples if s[3]).most_common(5)),
    }


def run_step(
    users: int, url: str, plan_file: str, settings: dict[str, Any], gunicorn: int, dsn: str
) -> dict[str, Any]:
    """One step: ``users`` people sign in (ten a second), then ``seconds`` of steady clicking."""
    database = dsn.rsplit("/", 1)[-1]
    samples_file = tempfile.mktemp(prefix="tandem-load-", suffix=".json")  # noqa: S306
    allowance = min(240, 30 + 2 * users)  # for signing everyone in (PBKDF2 is CPU); bounded
    env = {
        **os.environ,
        "TANDEM_LOAD_PLAN": plan_file,
        "TANDEM_LOAD_SAMPLES": samples_file,
        "TANDEM_LOAD_MAX_REQUESTS": str(settings["max_requests"]),
        "TANDEM_LOAD_STEADY_SECONDS": str(settings["seconds"]),
    }
    locust = shutil.which("locust", path=str(Path(sys.executable).parent)) or "locust"
    cmd = [
        locust,
        "-f",
        str(HERE / "locust_tandem.py"),
        "--headless",
        "--only-summary",
        "--users",
        str(users),
        "--spawn-rate",
        "10",
        "--run-time",
        f"{settings['seconds'] + allowance}s",
        "--stop-timeout",
        "10",
        "--host",
        url,
        "--exit-code-on-error",
        "0",
        "--loglevel",
        "WARNING",
    ]
    with Sampler(dsn, database, gunicorn) as sampler:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        sampler.locust = proc.pid
        _, err = proc.communicate(timeout=settings["seconds"] + allowance + 120)
    if not os.path.exists(samples_file):
        raise RuntimeError(f"locust wrote no samples: {err.decode()[-500:]}")
    with open(samples_file, encoding="utf-8") as f:
        dump = json.load(f)
    os.unlink(samples_file)
    samples = dump["samples"]
    all_in = dump["steady_from"] is not None
    if all_in:
        start, end = dump["steady_from"], dump["steady_to"] or samples[-1][0]
    else:  # not everyone signed in within the allowance: measure what ran after the last one
        start = max(s[0] for s in samples if s[1].endswith(" sign-in"))
        end = samples[-1][0]
    result = summarise(samples, start, end)
    result["users"] = users
    result["everyone_signed_in"] = all_in
    result["max_db_connections"] = sampler.max_connections
    result["max_db_active"] = sampler.max_active
    result["cpu_cores_used"] = sampler.cores_used(start, end)
    result["machine_cores"] = psutil.cpu_count()
    return result


def run_case(case: str, n: int) -> dict[str, Any]:
    settings = _settings()
    setup_django(postgres=True)
    dsn = os.environ["DATABASE_URL"]
    gunicorn = None
    try:
        started = time.perf_counter()
        world = seed(n)
        seeded = time.perf_counter() - started
        plan = prepare(world)
        prepared = time.perf_counter() - started - seeded
        from django.db import connections

        from tandem.people.models import Person
        from tandem.relationships.models import Meeting, Relationship

        result: dict[str, Any] = {
            "case": case,
            "n": n,
            "database": "postgresql",
            "people": Person.objects.count(),
            "programs": PROGRAMS,
            "relationships": Relationship.objects.count(),
            "meetings": Meeting.objects.count(),
            "seed_seconds": round(seeded, 1),
            "prepare_seconds": round(prepared, 1),
            "gunicorn_workers": settings["workers"],
            "seconds_per_step": settings["seconds"],
            "mix": "4 participants : 1 coordinator, 1-3 s between clicks",
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        }
        connections.close_all()
        plan_file = tempfile.mktemp(prefix="tandem-load-plan-", suffix=".json")  # noqa: S306
        Path(plan_file).write_text(json.dumps(plan), encoding="utf-8")
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "SECRET_KEY": "load-benchmark-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": url,
            "LOGIN_FAILURES_PER_IP": "100000",  # every simulated person signs in from 127.0.0.1
        }
        gunicorn = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "tandem.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                str(settings["workers"]),
                "--timeout",
                "120",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_up(url, gunicorn)
        steps = []
        for users in settings["steps"]:
            steps.append(run_step(users, url, plan_file, settings, gunicorn.pid, dsn))
        os.unlink(plan_file)
        result["steps"] = steps
        result.update(verdict(steps))
        result["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        result["seconds"] = round(time.perf_counter() - started, 1)
        return result
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
        drop_database()


def verdict(steps: list[dict[str, Any]]) -> dict[str, Any]:
    """The knee and the goals at 50 people, read from the steps."""
    base = steps[0]["all"]["p95_ms"]
    knee = next((s["users"] for s in steps[1:] if s["all"]["p95_ms"] >= 2 * base), None)
    out: dict[str, Any] = {"knee_users": knee}
    at50 = next((s for s in steps if s["users"] == 50), None)
    if at50 is not None:
        out["goals_at_50"] = {
            role: {
                "p95_ms": at50["roles"][role]["p95_ms"],
                "goal_ms": goal,
                "met": at50["roles"][role]["p95_ms"] <= goal,
            }
            for role, goal in GOALS.items()
        }
    return out

"""Dashboards at scale on PostgreSQL: a program with 100,000 participants, 50,000 relationships
and 1,000,000 meetings (plus logs, topics and goals). Each page is requested through Django's
test client after one warm-up request; the figure is the median server time of three requests."""

from __future__ import annotations

import statistics
import time

from benchmarks.django_env import drop_database, setup_django
from benchmarks.measure import measure

CASES = [("dashboard_pg", [100_000])]
REPEATS = 3  # each page: the median of three requests after a warm-up (a shared 2-core machine)


def seed(n: int):  # type: ignore[no-untyped-def]
    """Bulk SQL (generate_series) so that seeding 1M meetings takes seconds, not minutes."""
    from django.db import connection

    from tandem.accounts.models import Role, User
    from tandem.programs.models import Program
    from tandem.programs.services.setup import program_create

    admin = User.objects.create_user(
        "admin@bench.example", "Admin", "bench-password-1", role=Role.ADMIN
    )
    program = program_create(
        actor=admin,
        name="Bench dashboard",
        kind="peer_pairs",
        code_of_conduct="x",
        confidentiality="x",
    )
    pairs = n // 2
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO people_department (name) SELECT 'Dept ' || g FROM generate_series(1, 20) g",
            [],
        )
        cursor.execute(
            "INSERT INTO accounts_user (password, email, name, role, is_active, date_joined) "
            "SELECT '!', 'p' || g || '@bench.example', 'Person ' || g, 'participant', true, now() "
            "FROM generate_series(1, %s) g",
            [n],
        )
        cursor.execute(
            "INSERT INTO people_person (user_id, employee_id, department_id, team, job_title, level, location, "
            "timezone, languages, status, work_start, work_end, goals, updated_at) "
            "SELECT u.id, '', (SELECT min(id) FROM people_department) + (u.id %% 20), '', '', 1 + (u.id %% 8), '', "
            "'UTC', '[\"en\"]'::jsonb, CASE WHEN u.id %% 17 = 0 THEN 'left' ELSE 'active' END, '09:00', '17:00', '', now() "
            "FROM accounts_user u WHERE u.email LIKE 'p%%@bench.example'",
            [],
        )
        cursor.execute(
            "UPDATE people_person SET left_on = CURRENT_DATE - 100 WHERE status = 'left'", []
        )
        cursor.execute(
            "INSERT INTO programs_enrolment (program_id, person_id, status, role, capacity, accepted_guidelines_at, "
            "source, created_at, updated_at) SELECT %s, p.id, 'active', 'peer', 1, now() - interval '400 days', 'self', "
            "now() - interval '400 days' + (p.id %% 20) * interval '1 day', now() FROM people_person p",
            [program.pk],
        )
        cursor.execute(
            "INSERT INTO relationships_relationship (program_id, status, score, explanation, created_at, activated_at, "
            "end_note, end_reason, health, health_reasons, meetings_held, meetings_missed, topic_counts, reciprocity, "
            "crosses_departments) SELECT %s, CASE WHEN g %% 10 = 0 THEN 'ended' ELSE 'active' END, "
            "0.5, '[]'::jsonb, now() - interval '370 days', now() - interval '368 days', '', '', "
            "(ARRAY['on_track','on_track','attention','at_risk'])[1 + g %% 4], '[]'::jsonb, 0, 0, '{}'::jsonb, '', false "
            "FROM generate_series(1, %s) g",
            [program.pk, pairs],
        )
        cursor.execute(
            "WITH r AS (SELECT id, row_number() OVER (ORDER BY id) AS k FROM relationships_relationship WHERE program_id = %s), "
            "p AS (SELECT id, row_number() OVER (ORDER BY id) AS k FROM people_person) "
            "INSERT INTO relationships_membership (relationship_id, person_id, role, explanation, accepted_at, decline_reason, "
            "logs_written) SELECT r.id, p.id, 'peer', '[]'::jsonb, now() - interval '369 days', '', 0 "
            "FROM r JOIN p ON (p.k + 1) / 2 = r.k",  # two people per match, as a hash join
            [program.pk],
        )
        cursor.execute(
            "INSERT INTO relationships_meeting (relationship_id, kind, starts_at, ends_at, timezone, location, video_url, "
            "status, uid, sequence, organiser_id, coordinator_invited, created_at, updated_at) "
            "SELECT r.id, 'regular', r.activated_at + g * interval '14 days', r.activated_at + g * interval '14 days' + interval '1 hour', "
            "'UTC', '', '', CASE WHEN (r.id + g) %% 9 = 0 THEN 'missed' ELSE 'held' END, 'b-' || r.id || '-' || g, 0, "
            "r.organiser, false, now(), now() "
            "FROM (SELECT r.id, r.activated_at, min(m.person_id) AS organiser FROM relationships_relationship r "
            "JOIN relationships_membership m ON m.relationship_id = r.id WHERE r.program_id = %s GROUP BY r.id) r, "
            "generate_series(1, 20) g",
            [program.pk],
        )
        cursor.execute(
            "INSERT INTO relationships_meetinglog (meeting_id, author_id, takeaways, next_steps, created_at, updated_at) "
            "SELECT id, organiser_id, '', '', now(), now() FROM relationships_meeting WHERE status = 'held' AND id %% 4 = 0",
            [],
        )
        cursor.execute(
            "INSERT INTO relationships_loggedtopic (log_id, title, brought_by_id) "
            "SELECT l.id, 'topic', l.author_id FROM relationships_meetinglog l",
            [],
        )
        cursor.execute(
            "INSERT INTO relationships_goal (relationship_id, owner_id, title, why, metric, target, target_date, status, "
            "progress, created_at) SELECT m.relationship_id, m.person_id, 'goal', '', 'm', 't', CURRENT_DATE + 30, "
            "(ARRAY['active','done','done','dropped'])[1 + m.id %% 4], 50, now() FROM relationships_membership m "
            "JOIN relationships_relationship r ON r.id = m.relationship_id WHERE r.program_id = %s",
            [program.pk],
        )
        cursor.execute(
            "UPDATE relationships_relationship r SET meetings_held = s.held, meetings_missed = s.missed, "
            "first_meeting_at = s.first, last_meeting_at = s.last FROM (SELECT relationship_id, "
            "count(*) FILTER (WHERE status = 'held') AS held, count(*) FILTER (WHERE status = 'missed') AS missed, "
            "min(starts_at) FILTER (WHERE status = 'held') AS first, max(starts_at) FILTER (WHERE status = 'held') AS last "
            "FROM relationships_meeting GROUP BY relationship_id) s WHERE s.relationship_id = r.id",
            [],
        )
        cursor.execute(
            "UPDATE relationships_relationship r SET topic_counts = s.counts FROM (SELECT relationship_id, "
            "jsonb_object_agg(person, n) AS counts FROM (SELECT m.relationship_id, t.brought_by_id::text AS person, "
            "count(*) AS n FROM relationships_loggedtopic t JOIN relationships_meetinglog l ON l.id = t.log_id "
            "JOIN relationships_meeting m ON m.id = l.meeting_id GROUP BY 1, 2) x GROUP BY relationship_id) s "
            "WHERE s.relationship_id = r.id",
            [],
        )
        cursor.execute(
            "UPDATE relationships_relationship r SET reciprocity = CASE "
            "WHEN s.total = 0 THEN '' WHEN s.smallest >= 0.3 * s.total THEN 'balanced' "
            "WHEN s.smallest >= 0.15 * s.total THEN 'leaning' ELSE 'one_sided' END "
            "FROM (SELECT id, (SELECT coalesce(sum(v::int), 0) FROM jsonb_each_text(topic_counts) x(k, v)) AS total, "
            "CASE WHEN (SELECT count(*) FROM jsonb_each_text(topic_counts)) < 2 THEN 0 "
            "ELSE (SELECT min(v::int) FROM jsonb_each_text(topic_counts) x(k, v)) END AS smallest "
            "FROM relationships_relationship WHERE program_id = %s) s WHERE s.id = r.id",
            [program.pk],
        )
        cursor.execute(
            "UPDATE relationships_relationship r SET crosses_departments = s.n > 1 FROM (SELECT m.relationship_id, "
            "count(DISTINCT p.department_id) AS n FROM relationships_membership m JOIN people_person p ON p.id = m.person_id "
            "GROUP BY 1) s WHERE s.relationship_id = r.id",
            [],
        )
        cursor.execute(
            "UPDATE programs_enrolment e SET first_matched_at = s.first FROM (SELECT m.person_id, min(r.created_at) AS first "
            "FROM relationships_membership m JOIN relationships_relationship r ON r.id = m.relationship_id "
            "WHERE r.program_id = %s GROUP BY 1) s WHERE s.person_id = e.person_id AND e.program_id = %s",
            [program.pk, program.pk],
        )
        cursor.execute(
            "UPDATE relationships_membership ms SET logs_written = s.n FROM (SELECT m.relationship_id, l.author_id, "
            "count(*) AS n FROM relationships_meetinglog l JOIN relationships_meeting m ON m.id = l.meeting_id "
            "GROUP BY 1, 2) s WHERE s.relationship_id = ms.relationship_id AND s.author_id = ms.person_id",
            [],
        )
        cursor.execute("ANALYZE", [])
    Program.objects.filter(pk=program.pk).update(status="active")
    return admin, program


def _seeded():  # type: ignore[no-untyped-def]
    """The admin and program of a kept database seeded by an earlier run (``BENCH_DB``)."""
    from tandem.accounts.models import User
    from tandem.programs.models import Program

    admin = User.objects.filter(email="admin@bench.example").first()
    program = Program.objects.filter(name="Bench dashboard").first()
    return (admin, program) if admin and program else None


def run_case(case: str, n: int) -> dict[str, object]:
    setup_django(postgres=True)
    from django.test import Client

    from tandem.relationships.models import Meeting, Relationship

    try:
        started = time.perf_counter()
        admin, program = _seeded() or seed(n)
        seeded = time.perf_counter() - started
        client = Client()
        client.force_login(admin)
        pages = {
            "dashboard": f"/insights/programs/{program.pk}/",
            "dashboard_filtered": f"/insights/programs/{program.pk}/?level=3",
            "organisation": "/insights/",
            "health": f"/relationships/programs/{program.pk}/health/",
            "kpi_api": f"/api/programs/{program.pk}/kpis",
            "report": f"/insights/programs/{program.pk}/report/",
            "report_pdf": f"/insights/programs/{program.pk}/report.pdf",
            "export_xlsx": f"/insights/programs/{program.pk}/export.xlsx",
        }
        result: dict[str, object] = {
            "case": case,
            "n": n,
            "database": "postgresql",
            "relationships": Relationship.objects.count(),
            "meetings": Meeting.objects.count(),
            "seed_seconds": round(seeded, 1),
        }
        worst = 0.0
        for name, url in pages.items():
            assert client.get(url).status_code == 200, url  # warm-up: caches, first compile
            runs = [measure(lambda url=url: client.get(url)) for _ in range(REPEATS)]
            assert all(r.value.status_code == 200 for r in runs)
            seconds = statistics.median(r.seconds for r in runs)
            result[f"{name}_seconds"] = seconds
            worst = max(worst, seconds)
            peak = max(r.peak_mb for r in runs)
            result["peak_mb"] = max(float(result.get("peak_mb", 0)), peak)  # type: ignore[arg-type]
        result["seconds"] = worst
        return result
    finally:
        drop_database()

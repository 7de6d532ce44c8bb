"""HR import at company scale: a generated people CSV of N rows through the import service.

Each case runs on a fresh database and prints ``rows, seconds, peak_mb`` (time and memory of the
import itself: parse, validate every row, write everything in one transaction).
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta

from benchmarks.django_env import drop_database, setup_django
from benchmarks.measure import measure

CASES = [("import_people", [10_000, 100_000]), ("import_people_pg", [10_000, 100_000])]

DEPARTMENTS = [
    "Engineering",
    "Sales",
    "Customer Success",
    "Marketing",
    "Product",
    "Design",
    "Data",
    "Finance",
    "People",
    "Legal",
    "Operations",
    "Support",
    "Research",
    "Security",
]
ZONES = [
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Europe/Warsaw",
    "Africa/Lagos",
]
LANGUAGES = [
    "English",
    "English; German",
    "English; Spanish",
    "English; Hindi",
    "English; French",
    "Portuguese; English",
    "Japanese; English",
]
FIRST = [
    "Ana",
    "Ben",
    "Chen",
    "Dara",
    "Eli",
    "Fatima",
    "Gus",
    "Hana",
    "Ivan",
    "Jia",
    "Kofi",
    "Lena",
]
LAST = ["Silva", "Smith", "Wang", "Okafor", "Müller", "Sharma", "Kim", "Novak", "Haddad", "Lopez"]


def people_csv(n: int, seed: int = 1) -> bytes:
    """N people in a reporting tree (about 8 reports per manager), rows in random order."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        manager = "" if i == 0 else f"person{(i - 1) // 8}@bench.example"
        rows.append(
            [
                f"E{i:06d}",
                f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                f"person{i}@bench.example",
                rng.choice(DEPARTMENTS),
                f"Team {rng.randint(1, 40)}",
                "Specialist",
                f"L{rng.randint(1, 8)}",
                manager,
                rng.choice(ZONES),
                rng.choice(LANGUAGES),
                (date(2010, 1, 1) + timedelta(days=rng.randint(0, 5800))).isoformat(),
                "Active",
            ]
        )
    rng.shuffle(rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "Employee ID",
            "Full Name",
            "Work Email",
            "Department",
            "Team",
            "Job Title",
            "Job Level",
            "Manager Email",
            "Time Zone",
            "Languages",
            "Hire Date",
            "Employment Status",
        ]
    )
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def run_case(case: str, n: int) -> dict[str, object]:
    database = setup_django(postgres=case.endswith("_pg"))
    from django.conf import settings

    from tandem.people.models import Person
    from tandem.people.services import import_people

    settings.TANDEM_IMPORT_MAX_ROWS = max(settings.TANDEM_IMPORT_MAX_ROWS, n)
    data = people_csv(n)
    try:
        result = measure(lambda: import_people(data=data, file_name="people.csv", actor=None))
        summary = result.value.plan.summary()
        assert Person.objects.count() == n == summary["created"]
        return {
            "case": case,
            "database": database,
            "rows": n,
            "n": n,
            "mb_file": round(len(data) / 2**20, 1),
            "seconds": result.seconds,
            "peak_mb": result.peak_mb,
        }
    finally:
        drop_database()

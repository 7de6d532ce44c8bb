"""A believable synthetic organisation for the demo: Northwind Labs, about 560 people.

The people arrive the way a real customer's would: as an HR export run through the import service
(so the import history, audit log and outbox show real entries), followed by a small "new hires"
export that sends invitations. Everything is generated from a fixed seed.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from tandem.demo.org_data import (
    DEPARTMENTS,
    FIRST_NAMES,
    GOAL_TEMPLATES,
    GROWTH_SKILLS,
    LAST_NAMES,
    NAMED,
    OFFICES,
    ROLES,
    THINGS,
    Office,
)

DOMAIN = "northwind.example"


DEMO_PASSWORD = "tandem-demo-2026"  # noqa: S105 - demo data only


@dataclass
class SeedPerson:
    email: str
    name: str
    department: str
    team: str
    title: str
    level: int
    office: Office
    hire_date: date
    manager: SeedPerson | None = None
    status: str = "Active"
    leave_date: date | None = None
    employee_id: str = ""
    skills: list[str] = field(default_factory=list)
    learning: list[str] = field(default_factory=list)
    goals: str = ""


def _email(name: str, taken: set[str]) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    base = ".".join(part for part in plain.replace("'", "").split() if part)
    email, n = f"{base}@{DOMAIN}", 2
    while email in taken:
        email, n = f"{base}{n}@{DOMAIN}", n + 1
    taken.add(email)
    return email


class OrgGenerator:
    def __init__(self, size: int = 560, seed: int = 7, today: date | None = None) -> None:
        self.rng = random.Random(seed)
        self.size = size
        self.today = today or date.today()  # noqa: DTZ011 - a calendar date for hire dates
        self.emails: set[str] = set()
        self.people: list[SeedPerson] = []

    def office(self, region: str | None = None) -> Office:
        offices = [o for o in OFFICES if region is None or o.region == region] or list(OFFICES)
        return self.rng.choices(offices, weights=[o.weight for o in offices])[0]

    def name_for(self, office: Office) -> str:
        region = office.region if self.rng.random() < 0.8 else self.rng.choice(list(FIRST_NAMES))
        return f"{self.rng.choice(FIRST_NAMES[region])} {self.rng.choice(LAST_NAMES[region])}"

    def hire_date(self, level: int) -> date:
        max_years = min(12, 1 + level * 1.5)
        days = int(self.rng.triangular(20, max_years * 365, max_years * 120))
        return self.today - timedelta(days=days)

    def add(
        self,
        name: str,
        department: str,
        team: str,
        title: str,
        level: int,
        office: Office,
        manager: SeedPerson | None,
    ) -> SeedPerson:
        person = SeedPerson(
            email=_email(name, self.emails),
            name=name,
            department=department,
            team=team,
            title=title,
            level=level,
            office=office,
            hire_date=self.hire_date(level),
            manager=manager,
            employee_id=f"NW{10000 + len(self.people)}",
        )
        self.people.append(person)
        return person

    def generate(self) -> list[SeedPerson]:
        rng = self.rng
        ceo = self.add(
            "Elena Vasquez",
            "Leadership",
            "Executive",
            "Chief Executive Officer",
            8,
            OFFICES[4],
            None,
        )
        heads: dict[str, SeedPerson] = {}
        for department, spec in DEPARTMENTS.items():
            if department == "Leadership":
                continue
            office = self.office()
            heads[department] = self.add(
                self.name_for(office),
                department,
                str(spec["teams"][0]),  # type: ignore[index]
                f"VP {department}",
                8,
                office,
                ceo,
            )
        named = {}
        for key, (name, dept, team, title, level, city) in NAMED.items():
            office = next(o for o in OFFICES if o.location == city)
            named[key] = (name, dept, team, title, level, office)
        remaining = self.size - len(self.people)
        for department, spec in DEPARTMENTS.items():
            if department == "Leadership":
                continue
            count = round(remaining * float(spec["share"]))  # type: ignore[arg-type]
            teams: list[str] = list(spec["teams"])  # type: ignore[call-overload]
            managers: dict[str, SeedPerson] = {}
            for team in teams:
                office = self.office()
                managers[team] = self.add(
                    self.name_for(office),
                    department,
                    team,
                    str(spec["manager_title"]),
                    rng.choice([5, 6, 6, 7]),
                    office,
                    heads[department],
                )
            for name, dept, team, title, level, office in named.values():
                if dept == department:
                    self.add(name, dept, team, title, level, office, managers[team])
            members = max(0, count - len(teams))
            for i in range(members):
                team = teams[i % len(teams)]
                manager = managers[team]
                office = manager.office if rng.random() < 0.6 else self.office()
                level = rng.choices([1, 2, 3, 4, 5, 6], weights=[14, 22, 24, 20, 12, 8])[0]
                titles: list[str] = list(spec["titles"])  # type: ignore[call-overload]
                title = titles[min(len(titles) - 1, max(0, (level - 1) // 2))]
                self.add(self.name_for(office), department, team, title, level, office, manager)
        self._mark_leavers()
        self._profiles()
        return self.people

    def _mark_leavers(self) -> None:
        candidates = [
            p for p in self.people if p.level <= 5 and p.name not in {n[0] for n in NAMED.values()}
        ]
        for person in self.rng.sample(candidates, k=len(self.people) // 12):
            person.status = "Terminated"
            person.leave_date = self.today - timedelta(days=self.rng.randint(10, 520))
            if person.leave_date <= person.hire_date:
                person.leave_date = person.hire_date + timedelta(days=90)

    def _profiles(self) -> None:
        rng = self.rng
        for person in self.people:
            home = list(DEPARTMENTS[person.department]["skills"])  # type: ignore[call-overload]
            person.skills = rng.sample(home, k=min(len(home), rng.randint(3, 5)))
            wanted_pool = [s for s in GROWTH_SKILLS + home if s not in person.skills]
            other = rng.choice(
                [d for d in DEPARTMENTS if d not in (person.department, "Leadership")]
            )
            wanted_pool += list(DEPARTMENTS[other]["skills"])[:3]  # type: ignore[call-overload]
            person.learning = list(dict.fromkeys(rng.sample(wanted_pool, k=rng.randint(2, 4))))
            skill, skill2 = (person.learning + person.learning)[:2]
            person.goals = rng.choice(GOAL_TEMPLATES).format(
                skill=skill.lower(),
                skill2=skill2.lower(),
                thing=rng.choice(THINGS),
                role=rng.choice(ROLES),
                department=person.department,
            )


def hr_export_csv(people: list[SeedPerson], *, delimiter: str = ",") -> bytes:
    """The export as a typical HRIS writes it: UTF-8 with BOM, its own header names."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(
        [
            "Employee ID",
            "First Name",
            "Last Name",
            "Work Email",
            "Department",
            "Team",
            "Job Title",
            "Job Level",
            "Manager Email",
            "Office",
            "Time Zone",
            "Languages",
            "Hire Date",
            "Employment Status",
            "Termination Date",
        ]
    )
    for p in people:
        first, _, last = p.name.partition(" ")
        writer.writerow(
            [
                p.employee_id,
                first,
                last,
                p.email,
                p.department,
                p.team,
                p.title,
                f"L{p.level}",
                p.manager.email if p.manager else "",
                p.office.location,
                p.office.timezone,
                "; ".join(p.office.languages),
                p.hire_date.isoformat(),
                p.status,
                p.leave_date.isoformat() if p.leave_date else "",
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def named_email(key: str, people: list[SeedPerson]) -> str:
    name = NAMED[key][0]
    return next(p.email for p in people if p.name == name)

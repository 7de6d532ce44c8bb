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

DOMAIN = "northwind.example"
DEMO_PASSWORD = "tandem-demo-2026"  # noqa: S105 - demo data only


@dataclass(frozen=True)
class Office:
    location: str
    timezone: str
    languages: tuple[str, ...]
    region: str
    weight: float


OFFICES = (
    Office("Berlin", "Europe/Berlin", ("English", "German"), "de", 0.20),
    Office("London", "Europe/London", ("English",), "uk", 0.14),
    Office("Lisbon", "Europe/Lisbon", ("English", "Portuguese"), "pt", 0.06),
    Office("Warsaw", "Europe/Warsaw", ("English", "Polish"), "pl", 0.05),
    Office("New York", "America/New_York", ("English",), "us", 0.16),
    Office("Austin", "America/Chicago", ("English", "Spanish"), "us", 0.07),
    Office("San Francisco", "America/Los_Angeles", ("English",), "us", 0.08),
    Office("São Paulo", "America/Sao_Paulo", ("English", "Portuguese"), "br", 0.05),
    Office("Bengaluru", "Asia/Kolkata", ("English", "Hindi"), "in", 0.10),
    Office("Singapore", "Asia/Singapore", ("English", "Chinese"), "sg", 0.04),
    Office("Tokyo", "Asia/Tokyo", ("English", "Japanese"), "jp", 0.02),
    Office("Sydney", "Australia/Sydney", ("English",), "au", 0.03),
)

FIRST_NAMES = {
    "de": [
        "Lukas",
        "Anna",
        "Jonas",
        "Lea",
        "Felix",
        "Marie",
        "Paul",
        "Sophie",
        "Leon",
        "Hannah",
        "Niklas",
        "Laura",
        "Tim",
        "Julia",
        "Moritz",
        "Katharina",
        "Emre",
        "Selin",
    ],
    "uk": [
        "Oliver",
        "Amelia",
        "Harry",
        "Isla",
        "George",
        "Ava",
        "Jack",
        "Grace",
        "Charlie",
        "Freya",
        "Aisha",
        "Rohan",
        "Chloe",
        "Thomas",
        "Niamh",
    ],
    "pt": ["João", "Inês", "Tiago", "Beatriz", "Rui", "Mariana", "Duarte", "Carolina"],
    "pl": ["Jakub", "Zofia", "Kacper", "Maja", "Piotr", "Agnieszka", "Tomasz", "Ola"],
    "us": [
        "James",
        "Olivia",
        "Michael",
        "Emma",
        "Daniel",
        "Sophia",
        "Ethan",
        "Madison",
        "Marcus",
        "Jasmine",
        "Carlos",
        "Gabriela",
        "Tyler",
        "Brianna",
        "Kevin",
        "Rachel",
        "Andre",
        "Mei",
        "Samuel",
        "Lauren",
        "Diego",
        "Nia",
        "Ryan",
        "Hannah",
    ],
    "br": ["Lucas", "Ana", "Gabriel", "Júlia", "Rafael", "Larissa", "Mateus", "Camila"],
    "in": [
        "Priya",
        "Arjun",
        "Ananya",
        "Rahul",
        "Sneha",
        "Vikram",
        "Kavya",
        "Aditya",
        "Meera",
        "Siddharth",
        "Divya",
        "Karthik",
        "Neha",
        "Rohit",
    ],
    "sg": ["Wei Ling", "Jun Jie", "Hui Min", "Marcus", "Siti", "Darren", "Pei Shan"],
    "jp": ["Haruto", "Yui", "Sota", "Aoi", "Ren", "Sakura"],
    "au": ["Jack", "Charlotte", "Lachlan", "Matilda", "Cooper", "Zoe", "Liam"],
}
LAST_NAMES = {
    "de": [
        "Müller",
        "Schmidt",
        "Schneider",
        "Fischer",
        "Weber",
        "Meyer",
        "Wagner",
        "Becker",
        "Hoffmann",
        "Koch",
        "Richter",
        "Klein",
        "Wolf",
        "Yılmaz",
        "Neumann",
        "Braun",
    ],
    "uk": [
        "Smith",
        "Jones",
        "Taylor",
        "Brown",
        "Williams",
        "Wilson",
        "Evans",
        "Patel",
        "Khan",
        "Hughes",
        "Walker",
        "O'Brien",
        "Murphy",
        "Clarke",
    ],
    "pt": ["Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues", "Martins"],
    "pl": ["Nowak", "Kowalski", "Wiśniewska", "Wójcik", "Kamiński", "Lewandowska", "Zieliński"],
    "us": [
        "Johnson",
        "Garcia",
        "Miller",
        "Davis",
        "Rodriguez",
        "Martinez",
        "Anderson",
        "Thomas",
        "Jackson",
        "Lee",
        "Nguyen",
        "Kim",
        "Robinson",
        "Clark",
        "Lewis",
        "Chen",
        "Washington",
        "Lopez",
        "Hill",
        "Rivera",
        "Cohen",
        "Okafor",
    ],
    "br": ["Souza", "Lima", "Carvalho", "Almeida", "Ribeiro", "Gomes", "Barbosa", "Araújo"],
    "in": [
        "Sharma",
        "Iyer",
        "Reddy",
        "Nair",
        "Gupta",
        "Menon",
        "Rao",
        "Krishnan",
        "Kumar",
        "Bhat",
        "Desai",
        "Pillai",
        "Natarajan",
        "Joshi",
    ],
    "sg": ["Tan", "Lim", "Ng", "Wong", "Goh", "Chua", "Rahman"],
    "jp": ["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito"],
    "au": ["Smith", "Brown", "Wilson", "Thompson", "Martin", "White", "Kelly"],
}

DEPARTMENTS: dict[str, dict[str, object]] = {
    "Engineering": {
        "share": 0.30,
        "teams": [
            "Platform",
            "Payments",
            "Mobile",
            "Web Apps",
            "Infrastructure",
            "Developer Experience",
            "Search",
        ],
        "titles": [
            "Software Engineer",
            "Senior Software Engineer",
            "Staff Engineer",
            "Principal Engineer",
        ],
        "manager_title": "Engineering Manager",
        "skills": [
            "Python",
            "System design",
            "Code review",
            "Kubernetes",
            "SQL",
            "Testing strategy",
            "TypeScript",
            "Incident response",
            "Technical writing",
            "Mentoring engineers",
            "Go",
            "Security basics",
        ],
    },
    "Product": {
        "share": 0.07,
        "teams": ["Core Product", "Growth", "Platform Product"],
        "titles": [
            "Associate Product Manager",
            "Product Manager",
            "Senior Product Manager",
            "Group Product Manager",
        ],
        "manager_title": "Director of Product",
        "skills": [
            "Product discovery",
            "Roadmapping",
            "Stakeholder management",
            "User research",
            "Prioritisation",
            "Writing specs",
            "Experimentation",
        ],
    },
    "Design": {
        "share": 0.05,
        "teams": ["Product Design", "Brand", "Research"],
        "titles": ["Product Designer", "Senior Product Designer", "UX Researcher", "Design Lead"],
        "manager_title": "Design Manager",
        "skills": [
            "Interaction design",
            "User research",
            "Prototyping",
            "Accessibility",
            "Design systems",
            "Facilitation",
            "Storytelling",
        ],
    },
    "Data": {
        "share": 0.07,
        "teams": ["Analytics", "Data Platform", "Machine Learning"],
        "titles": [
            "Data Analyst",
            "Data Scientist",
            "Senior Data Scientist",
            "Analytics Engineer",
            "ML Engineer",
        ],
        "manager_title": "Data Science Manager",
        "skills": [
            "SQL",
            "Statistics",
            "Python",
            "Data visualisation",
            "Machine learning",
            "Experimentation",
            "dbt",
            "Storytelling with data",
        ],
    },
    "Sales": {
        "share": 0.14,
        "teams": [
            "Enterprise EMEA",
            "Enterprise Americas",
            "Mid-Market",
            "Sales Development",
            "APAC",
        ],
        "titles": [
            "Sales Development Rep",
            "Account Executive",
            "Senior Account Executive",
            "Solutions Consultant",
        ],
        "manager_title": "Sales Manager",
        "skills": [
            "Negotiation",
            "Discovery calls",
            "Public speaking",
            "Forecasting",
            "Objection handling",
            "Relationship building",
            "Presenting",
        ],
    },
    "Marketing": {
        "share": 0.07,
        "teams": ["Demand Generation", "Content", "Product Marketing", "Events"],
        "titles": [
            "Marketing Specialist",
            "Content Marketer",
            "Product Marketing Manager",
            "Senior Marketing Manager",
        ],
        "manager_title": "Head of Marketing",
        "skills": [
            "Copywriting",
            "Storytelling",
            "Public speaking",
            "SEO",
            "Campaign planning",
            "Positioning",
            "Data visualisation",
        ],
    },
    "Customer Success": {
        "share": 0.11,
        "teams": ["Onboarding", "Support", "Account Management", "Customer Education"],
        "titles": [
            "Support Specialist",
            "Customer Success Manager",
            "Senior Customer Success Manager",
            "Onboarding Lead",
        ],
        "manager_title": "Customer Success Manager Lead",
        "skills": [
            "Customer empathy",
            "De-escalation",
            "Presenting",
            "Relationship building",
            "Training design",
            "SQL",
            "Process improvement",
        ],
    },
    "Finance": {
        "share": 0.05,
        "teams": ["FP&A", "Accounting", "Procurement"],
        "titles": [
            "Financial Analyst",
            "Accountant",
            "Senior Financial Analyst",
            "Finance Business Partner",
        ],
        "manager_title": "Finance Manager",
        "skills": [
            "Financial modelling",
            "Forecasting",
            "Excel",
            "Negotiation",
            "Stakeholder management",
            "Process improvement",
        ],
    },
    "People": {
        "share": 0.05,
        "teams": [
            "People Partners",
            "Talent Acquisition",
            "Learning & Development",
            "People Operations",
        ],
        "titles": ["People Operations Specialist", "Recruiter", "People Partner", "L&D Specialist"],
        "manager_title": "People Manager",
        "skills": [
            "Coaching",
            "Facilitation",
            "Interviewing",
            "Conflict resolution",
            "Training design",
            "Employment law basics",
            "Giving feedback",
        ],
    },
    "Legal": {
        "share": 0.02,
        "teams": ["Commercial Legal", "Privacy"],
        "titles": ["Legal Counsel", "Senior Legal Counsel", "Privacy Counsel"],
        "manager_title": "General Counsel",
        "skills": [
            "Contract negotiation",
            "Privacy law",
            "Writing clearly",
            "Negotiation",
            "Risk assessment",
        ],
    },
    "Operations": {
        "share": 0.04,
        "teams": ["Business Operations", "Workplace", "IT"],
        "titles": [
            "Operations Analyst",
            "IT Specialist",
            "Workplace Coordinator",
            "Senior Operations Manager",
        ],
        "manager_title": "Head of Operations",
        "skills": [
            "Process improvement",
            "Project management",
            "Excel",
            "Vendor management",
            "Security basics",
            "Change management",
        ],
    },
    "Leadership": {
        "share": 0.0,
        "teams": ["Executive"],
        "titles": ["Chief Executive Officer"],
        "manager_title": "Chief Executive Officer",
        "skills": ["Strategy", "Public speaking", "Hiring", "Giving feedback"],
    },
}

GROWTH_SKILLS = [
    "Public speaking",
    "Giving feedback",
    "Leading meetings",
    "Delegation",
    "Managing up",
    "Negotiation",
    "Writing clearly",
    "Storytelling",
    "Stakeholder management",
    "Prioritisation",
    "Coaching",
    "Time management",
    "Strategic thinking",
    "Hiring",
    "Conflict resolution",
    "Presenting",
]

GOAL_TEMPLATES = [
    "Get more confident with {skill} so I can lead {thing} without freezing up.",
    "Learn how people in other teams approach {skill}; I want to stop reinventing the wheel.",
    "Build a habit around {skill} and have someone to check in with every couple of weeks.",
    "Prepare for a move into a {role} role in the next year, starting with {skill}.",
    "Get better at {skill} — my last review said it is what holds me back.",
    "Find a peer outside {department} to swap notes with on {skill} and {skill2}.",
    "Grow my network beyond my team and learn {skill} from someone who does it daily.",
    "Become the person my team asks about {skill} by the end of the year.",
]
THINGS = [
    "our quarterly review",
    "customer workshops",
    "the all-hands demo",
    "planning sessions",
    "cross-team projects",
    "incident reviews",
]
ROLES = ["team lead", "staff", "manager", "principal", "strategy"]

SKILL_CATEGORIES = {
    "Technical": [
        "Python",
        "System design",
        "Code review",
        "Kubernetes",
        "SQL",
        "Testing strategy",
        "TypeScript",
        "Incident response",
        "Go",
        "Security basics",
        "Machine learning",
        "dbt",
        "Statistics",
        "Excel",
    ],
    "Communication": [
        "Public speaking",
        "Writing clearly",
        "Technical writing",
        "Storytelling",
        "Storytelling with data",
        "Presenting",
        "Copywriting",
        "Facilitation",
    ],
    "Leadership": [
        "Giving feedback",
        "Delegation",
        "Coaching",
        "Mentoring engineers",
        "Hiring",
        "Strategic thinking",
        "Leading meetings",
        "Change management",
        "Managing up",
        "Conflict resolution",
        "Strategy",
    ],
    "Product & design": [
        "Product discovery",
        "Roadmapping",
        "User research",
        "Prioritisation",
        "Writing specs",
        "Experimentation",
        "Interaction design",
        "Prototyping",
        "Accessibility",
        "Design systems",
        "Data visualisation",
        "Positioning",
    ],
    "Business": [
        "Negotiation",
        "Discovery calls",
        "Forecasting",
        "Objection handling",
        "Relationship building",
        "Financial modelling",
        "Stakeholder management",
        "Campaign planning",
        "SEO",
        "Contract negotiation",
        "Privacy law",
        "Risk assessment",
        "Vendor management",
        "Employment law basics",
    ],
    "Ways of working": [
        "Process improvement",
        "Project management",
        "Time management",
        "Customer empathy",
        "De-escalation",
        "Training design",
        "Interviewing",
    ],
}
SYNONYMS = {
    "Public speaking": ["presenting to groups", "speaking"],
    "SQL": ["sql queries", "databases"],
    "Giving feedback": ["feedback"],
    "Kubernetes": ["k8s"],
    "Machine learning": ["ml"],
    "Stakeholder management": ["managing stakeholders"],
    "Time management": ["prioritising my time"],
    "Data visualisation": ["data visualization", "dataviz"],
    "TypeScript": ["ts"],
}

NAMED = {
    "admin": (
        "Amira Haddad",
        "People",
        "People Operations",
        "Head of People Operations",
        7,
        "Berlin",
    ),
    "coordinator": (
        "Jonas Weber",
        "People",
        "Learning & Development",
        "L&D Program Lead",
        5,
        "Berlin",
    ),
    "participant": (
        "Priya Natarajan",
        "Engineering",
        "Platform",
        "Senior Software Engineer",
        4,
        "Bengaluru",
    ),
}


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

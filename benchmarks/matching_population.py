"""Realistic synthetic populations for the matching benchmarks (and tests).

Departments with Zipf-like sizes and teams of about eight under one manager (who reports to the
department head), levels 1-8 skewed junior, real IANA time zones by region, languages, skills
from a vocabulary of 200 in ten categories (each department leans to two "home" categories;
nobody wants what they already offer), goal statements from templates, and about 0.3 past
partners per person. Vectorised with numpy; deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from tandem.matching import Criterion, Participant, PastPartner

CATEGORIES = {
    "data": [
        "sql",
        "python",
        "statistics",
        "data visualisation",
        "machine learning",
        "excel",
        "dashboards",
        "a/b testing",
        "data modelling",
        "forecasting",
        "spark",
        "dbt",
        "r",
        "causal inference",
        "experiment design",
        "etl",
        "bigquery",
        "pandas",
        "tableau",
        "data governance",
    ],
    "engineering": [
        "system design",
        "kubernetes",
        "go",
        "rust",
        "react",
        "typescript",
        "testing",
        "ci/cd",
        "observability",
        "security",
        "aws",
        "terraform",
        "api design",
        "performance tuning",
        "databases",
        "mobile",
        "linux",
        "incident response",
        "code review",
        "architecture",
    ],
    "product": [
        "roadmapping",
        "user research",
        "prioritisation",
        "product discovery",
        "okrs",
        "pricing",
        "analytics",
        "product strategy",
        "specs",
        "launch planning",
        "customer interviews",
        "market research",
        "growth",
        "onboarding design",
        "jobs to be done",
        "metrics",
        "experimentation",
        "competitive analysis",
        "stakeholder alignment",
        "product marketing",
    ],
    "design": [
        "design systems",
        "figma",
        "prototyping",
        "interaction design",
        "visual design",
        "accessibility",
        "usability testing",
        "ux writing",
        "information architecture",
        "illustration",
        "motion design",
        "branding",
        "service design",
        "workshops",
        "typography",
        "design critique",
        "journey mapping",
        "wireframing",
        "colour theory",
        "design ops",
    ],
    "people": [
        "people management",
        "coaching",
        "hiring",
        "feedback",
        "performance reviews",
        "conflict resolution",
        "team building",
        "delegation",
        "onboarding",
        "career development",
        "one-on-ones",
        "remote teams",
        "culture",
        "diversity and inclusion",
        "change management",
        "motivation",
        "mentoring",
        "succession planning",
        "org design",
        "psychological safety",
    ],
    "communication": [
        "public speaking",
        "writing",
        "storytelling",
        "presentations",
        "negotiation",
        "facilitation",
        "active listening",
        "persuasion",
        "executive communication",
        "documentation",
        "email etiquette",
        "meeting design",
        "difficult conversations",
        "influencing",
        "cross-cultural communication",
        "pitching",
        "blogging",
        "social media",
        "media training",
        "note taking",
    ],
    "business": [
        "budgeting",
        "finance basics",
        "accounting",
        "sales",
        "account management",
        "partnerships",
        "procurement",
        "contracts",
        "business cases",
        "strategy",
        "operations",
        "supply chain",
        "p&l ownership",
        "investor relations",
        "vendor management",
        "risk management",
        "compliance",
        "legal basics",
        "tax",
        "unit economics",
    ],
    "leadership": [
        "vision setting",
        "decision making",
        "prioritising work",
        "managing up",
        "influence without authority",
        "strategic thinking",
        "running projects",
        "cross-team leadership",
        "leading change",
        "crisis leadership",
        "leading meetings",
        "building trust",
        "accountability",
        "resilience",
        "time management",
        "focus",
        "ethics",
        "systems thinking",
        "leading through ambiguity",
        "executive presence",
    ],
    "customer": [
        "customer support",
        "customer success",
        "community management",
        "support tooling",
        "escalations",
        "voice of the customer",
        "nps",
        "retention",
        "churn analysis",
        "knowledge bases",
        "service levels",
        "customer education",
        "implementation",
        "solutions engineering",
        "technical writing",
        "demos",
        "renewals",
        "feedback loops",
        "customer journey",
        "support analytics",
    ],
    "personal": [
        "work-life balance",
        "learning how to learn",
        "productivity",
        "wellbeing",
        "networking",
        "personal branding",
        "career change",
        "job interviews",
        "public profile",
        "reading habits",
        "languages",
        "creativity",
        "mindfulness",
        "goal setting",
        "side projects",
        "volunteering",
        "first 90 days",
        "promotion readiness",
        "saying no",
        "confidence",
    ],
}
SKILLS = [s for items in CATEGORIES.values() for s in items]
N_SKILLS, N_CATS, N_DEPTS, TEAM_SIZE = len(SKILLS), len(CATEGORIES), 20, 8
DEPARTMENTS = [
    "Engineering",
    "Sales",
    "Marketing",
    "Finance",
    "Support",
    "Product",
    "Design",
    "Legal",
    "People",
    "Operations",
    "Data",
    "Security",
    "IT",
    "Research",
    "Partnerships",
    "Procurement",
    "Facilities",
    "Communications",
    "Strategy",
    "Customer Success",
]
LEVEL_P = np.array([0.18, 0.20, 0.18, 0.14, 0.12, 0.09, 0.06, 0.03])
REGIONS = [
    (
        0.40,
        [
            "America/Los_Angeles",
            "America/Denver",
            "America/Chicago",
            "America/New_York",
            "America/Sao_Paulo",
            "America/Toronto",
        ],
        ["Spanish", "Portuguese"],
        0.3,
    ),
    (
        0.35,
        [
            "Europe/London",
            "Europe/Berlin",
            "Europe/Paris",
            "Europe/Madrid",
            "Europe/Warsaw",
            "Africa/Lagos",
        ],
        ["French", "German", "Spanish"],
        0.4,
    ),
    (0.12, ["Asia/Kolkata"], ["Hindi"], 0.6),
    (
        0.13,
        ["Asia/Singapore", "Asia/Tokyo", "Australia/Sydney", "Asia/Shanghai"],
        ["Japanese", "Mandarin"],
        0.5,
    ),
]
TEMPLATES = [
    "I want to get better at {a} so I can {p}.",
    "Looking for someone to help me learn {a} and {b}.",
    "My goal this year is to {p}; {a} is my biggest gap.",
    "Happy to teach {b}, hoping to learn {a}.",
    "Need guidance on {a} while moving towards {p}.",
]
PURPOSES = [
    "lead a team",
    "move into product management",
    "get promoted to senior",
    "speak at conferences",
    "switch to data science",
    "own our platform roadmap",
    "mentor junior colleagues",
    "run projects end to end",
    "improve work-life balance",
    "build a stronger network across departments",
]

#: the criteria of the issue's example config
EXAMPLE_CRITERIA = [
    Criterion("skills", "complementary", 5),
    Criterion("level", "close", 2, must_have=True, max_difference=2),
    Criterion("timezone", "overlap", 2),
    Criterion("department", "different", 1),
    Criterion("goals", "similar_text", 1),
]
REFERENCE_DATE = dt.date(2026, 11, 23)


def _gumbel_top(logp: np.ndarray, counts: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    g = logp + rng.gumbel(size=logp.shape)
    order = np.argsort(-g, axis=1)[:, :6]
    return np.where(np.arange(6)[None, :] < counts[:, None], order, -1)


def make_population(n: int, seed: int = 0, *, roles: str = "") -> list[Participant]:
    """``roles="mentor_mentee"`` marks 30% (senior-leaning) as mentors with capacity 2-3."""
    rng = np.random.default_rng(seed)
    dp = 1.0 / (np.arange(N_DEPTS) + 1) ** 0.8
    dept = rng.choice(N_DEPTS, n, p=dp / dp.sum())
    team = np.empty(n, np.int64)
    for d in range(N_DEPTS):
        idx = np.flatnonzero(dept == d)
        teams = max(1, round(len(idx) / TEAM_SIZE))
        team[idx] = rng.integers(0, teams, len(idx))
    level = rng.choice(8, n, p=LEVEL_P) + 1
    region_p = np.array([r[0] for r in REGIONS])
    region = rng.choice(len(REGIONS), n, p=region_p / region_p.sum())
    zone_pick = rng.random(n)
    english = rng.random(n) < 0.975
    local = rng.random(n)
    pop = 1.0 / (rng.permutation(N_SKILLS) + 1.0) ** 0.7
    category = np.repeat(np.arange(N_CATS), N_SKILLS // N_CATS)
    home = np.zeros((N_DEPTS, N_SKILLS))
    for d in range(N_DEPTS):
        home[d, (category == d % N_CATS) | (category == (3 * d + 1) % N_CATS)] = 1.0
    hp = home * pop
    hp /= hp.sum(1, keepdims=True)
    gp = pop / pop.sum()
    offered = _gumbel_top(np.log(0.7 * hp[dept] + 0.3 * gp), rng.integers(3, 7, n), rng)
    lw = np.log(0.4 * hp[dept] + 0.6 * gp)
    rows = np.repeat(np.arange(n), 6)
    flat = offered.ravel()
    lw[rows[flat >= 0], flat[flat >= 0]] = -np.inf
    wanted = _gumbel_top(lw, rng.integers(3, 7, n), rng)
    has_goal = rng.random(n) < 0.7
    template = rng.integers(0, len(TEMPLATES), n)
    purpose = rng.integers(0, len(PURPOSES), n)
    other_want = rng.integers(0, N_SKILLS, n)
    past_a = rng.integers(0, n, int(0.3 * n))
    past_b = rng.integers(0, n, int(0.3 * n))
    past: dict[int, list[int]] = {}
    for a, b in zip(past_a.tolist(), past_b.tolist(), strict=True):
        if a != b:
            past.setdefault(a, []).append(b)
            past.setdefault(b, []).append(a)
    is_mentor = np.zeros(n, bool)
    capacity = np.ones(n, np.int64)
    if roles == "mentor_mentee":
        p = level**1.5
        mentors = rng.choice(n, int(0.3 * n), replace=False, p=p / p.sum())
        is_mentor[mentors] = True
        capacity[mentors] = rng.integers(2, 4, len(mentors))
    people = []
    for i in range(n):
        _, zones, langs, local_p = REGIONS[region[i]]
        zone = zones[int(zone_pick[i] * len(zones))]
        languages = ["English"] if english[i] else []
        if not english[i] or local[i] < local_p:
            languages.append(langs[i % len(langs)])
        off = [SKILLS[s] for s in offered[i] if s >= 0]
        want = [SKILLS[s] for s in wanted[i] if s >= 0]
        goal = ""
        if has_goal[i] and want:
            goal = TEMPLATES[template[i]].format(
                a=want[0], b=SKILLS[other_want[i]], p=PURPOSES[purpose[i]]
            )
        d, t = int(dept[i]), int(team[i])
        role = ""
        if roles == "mentor_mentee":
            role = "mentor" if is_mentor[i] else "mentee"
        people.append(
            Participant(
                id=f"p{i}",
                name=f"Person {i}",
                department=DEPARTMENTS[d],
                manager_id=f"mgr-{d}-{t}",
                manager_chain=(f"mgr-{d}-{t}", f"head-{d}"),
                level=int(level[i]),
                timezone=zone,
                languages=tuple(languages),
                skills_offered=tuple(off),
                skills_wanted=tuple(want),
                goals=goal,
                past_partners=tuple(PastPartner(f"p{j}", round=1) for j in past.get(i, [])),
                capacity=int(capacity[i]),
                role=role,
            )
        )
    return people

"""Plain records of the matching engine: participants, criteria, constraints, problems, solutions.

Everything here is a dataclass with no behaviour beyond light normalisation, so the web side can
build these from its models and store the results without importing the solver.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

ProgramKind = Literal[
    "peer_pairs", "mentor_mentee", "circles", "coffee_rotation", "onboarding_buddy"
]
PROGRAM_KINDS: tuple[str, ...] = (
    "peer_pairs",
    "mentor_mentee",
    "circles",
    "coffee_rotation",
    "onboarding_buddy",
)
Rule = Literal["same", "different", "close", "complementary", "overlap", "similar_text"]
RULES: tuple[str, ...] = ("same", "different", "close", "complementary", "overlap", "similar_text")


class MatchingError(Exception):
    """Base class of the engine's errors; ``problems`` lists every problem found, not just one."""

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


class ConfigError(MatchingError):
    """The program configuration (criteria, constraints) is invalid."""


class ProblemError(MatchingError):
    """The participants do not fit the configuration (bad level, unknown time zone, ...)."""


@dataclass(frozen=True)
class PastPartner:
    """Someone a participant was matched with before; ``round`` or ``date`` drive the cool-down."""

    id: str
    round: int | None = None
    date: dt.date | None = None


@dataclass(frozen=True)
class TimeWindow:
    """A weekly availability window in the participant's local time (day 0 = Monday)."""

    day: int
    start: dt.time
    end: dt.time


@dataclass
class Participant:
    """One person in a program. Only ``id`` is required; empty fields simply score nothing."""

    id: str
    name: str = ""
    department: str = ""
    manager_id: str = ""
    #: ids of every manager up the reporting line, nearest first (filled from manager_id links
    #: among the participants when left empty)
    manager_chain: tuple[str, ...] = ()
    level: str | float | None = None
    timezone: str = "UTC"
    #: local working day; the default 09:00-17:00 is used when left as None
    working_hours: tuple[dt.time, dt.time] | None = None
    languages: tuple[str, ...] = ()
    skills_offered: tuple[str, ...] = ()
    skills_wanted: tuple[str, ...] = ()
    goals: str = ""
    availability: tuple[TimeWindow, ...] = ()
    interests: tuple[str, ...] = ()
    #: up to three people this participant would like to be matched with
    preferred: tuple[str, ...] = ()
    #: "please not": never match with these
    avoid: tuple[str, ...] = ()
    past_partners: tuple[PastPartner, ...] = ()
    capacity: int = 1
    #: mentor / mentee (mentor_mentee), new_hire / buddy (onboarding_buddy); empty otherwise
    role: str = ""
    hire_date: dt.date | None = None
    #: optional full ranking of other participants' ids, best first (stable assignment)
    ranking: tuple[str, ...] = ()
    custom: dict[str, object] = field(default_factory=dict)
    email: str = ""


@dataclass(frozen=True)
class Criterion:
    """One matching criterion: ``field`` compared by ``rule``, weighted; must-haves are hard."""

    field: str
    rule: Rule
    weight: float = 1.0
    must_have: bool = False
    #: close: largest allowed difference (must-have) and the scale of the score's decay
    max_difference: float | None = None
    #: close: ordered labels (e.g. ["junior", "mid", "senior"]) when values are not numbers
    order: tuple[str, ...] = ()
    #: overlap (time zones, availability): hours needed to satisfy a must-have
    min_overlap_hours: float = 1.0
    #: similar_text: similarity needed to satisfy a must-have
    min_similarity: float = 0.2
    label: str = ""


@dataclass(frozen=True)
class Constraints:
    """Hard rules and program settings besides the criteria."""

    exclude_same_manager: bool = True
    exclude_reporting_line: bool = True
    #: never repeat a past pair (subject to the cool-down below)
    avoid_repeat_pairs: bool = True
    #: a past pair may repeat after this many rounds / days; None = never
    repeat_cooldown_rounds: int | None = None
    repeat_cooldown_days: int | None = None
    respect_avoid_lists: bool = True
    #: coordinator locks: these ids must end up together (a pair, or a group for circles)
    locks: tuple[tuple[str, ...], ...] = ()
    #: coordinator forbids: these two ids must never be matched
    forbids: tuple[tuple[str, str], ...] = ()
    #: peer_pairs: with an odd number of people, add the odd one out to a pair as a trio
    allow_trio: bool = False
    #: circles: the target group size, 3-6
    group_size: int = 4
    #: score bonus for a mutual wish / a one-sided wish (added to the [0, 1] score, capped at 1)
    mutual_wish_bonus: float = 0.25
    one_sided_wish_bonus: float = 0.1
    #: onboarding_buddy: hired within this many days of the reference date = new hire
    new_hire_days: int = 90
    #: mentor_mentee / peer_pairs: use stable assignment instead of the maximum score
    stable: bool = False


@dataclass
class Problem:
    """A matching problem: who, how to score them, which rules hold, which kind of program."""

    kind: ProgramKind
    participants: list[Participant]
    criteria: list[Criterion]
    constraints: Constraints = field(default_factory=Constraints)
    #: the round being matched (coffee_rotation cool-downs count rounds back from here)
    round_number: int | None = None
    #: the date used for time-zone offsets (DST), cool-downs in days and the new-hire window
    reference_date: dt.date | None = None
    #: "auto", "tfidf" or "embedding" (see tandem.matching.text)
    text_backend: str = "auto"
    #: candidate-list length; None picks by problem size
    candidates_k: int | None = None
    #: largest N solved exactly with a certificate (peer_pairs, coffee_rotation)
    exact_limit: int = 3000


@dataclass(frozen=True)
class Factor:
    """One contribution to a match's score, in plain words, with its direction."""

    criterion: str
    rule: str
    #: "a->b" (what the first member gets from the second), "b->a", or "both"
    direction: str
    text: str
    value: float
    weight: float
    contribution: float


@dataclass
class Group:
    """A pair or a group in the solution."""

    members: tuple[str, ...]
    score: float
    #: pair scores inside the group, as (id, id, score)
    pair_scores: list[tuple[str, str, float]] = field(default_factory=list)
    #: plain-language explanation, strongest factors first, both directions
    explanation: list[str] = field(default_factory=list)
    factors: list[Factor] = field(default_factory=list)
    #: per member: what the match gives that member, in plain words
    per_member: dict[str, list[str]] = field(default_factory=dict)
    #: roles inside the group, e.g. {"mentor": "ana@x"} for mentor_mentee
    roles: dict[str, str] = field(default_factory=dict)
    locked: bool = False

    @property
    def min_pair_score(self) -> float:
        return min((s for _, _, s in self.pair_scores), default=self.score)

    @property
    def mean_pair_score(self) -> float:
        scores = [s for _, _, s in self.pair_scores]
        return sum(scores) / len(scores) if scores else self.score


@dataclass(frozen=True)
class Unmatched:
    id: str
    reason: str


@dataclass
class SolveStats:
    """Quality and cost of one solve. ``bound`` is valid over all feasible pairs."""

    objective: float
    bound: float
    gap: float
    matched: int
    unmatched: int
    worst_off: float
    mean_score: float
    histogram: list[tuple[float, float, int]]
    quantiles: dict[str, float]
    seconds: float
    solver: str
    bound_method: str
    certified_optimal: bool = False
    candidates_k: int = 0
    phases: dict[str, float] = field(default_factory=dict)


@dataclass
class Solution:
    kind: str
    groups: list[Group]
    unmatched: list[Unmatched]
    stats: SolveStats
    notes: list[str] = field(default_factory=list)


@dataclass
class GroupEvaluation:
    """Score and explanation of a given pair or group, e.g. after a coordinator's swap."""

    members: tuple[str, ...]
    feasible: bool
    score: float
    pair_scores: list[tuple[str, str, float]]
    violations: list[str]
    explanation: list[str]
    factors: list[Factor]
    per_member: dict[str, list[str]]

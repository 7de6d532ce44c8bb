"""Coarsening the quasi-identifiers stored with anonymous responses until each combination is
shared by at least ``k`` responses (k-anonymity by global recoding).

A response may keep three groups: department, level band and role. Each has a generalisation
hierarchy, finest first:

* department: its name → its name if at least ``k`` records share it, else "Other departments"
  → nothing;
* level band: "1-2", "3-4", "5-6", "7-8" → "1-4", "5-8" → nothing;
* role: the role → nothing.

"Nothing" is the empty string, the same value as "not recorded". A *recoding* picks one level
per dimension (full-domain generalisation, as in Samarati's and LeFevre's Incognito). Of the
3 × 3 × 2 = 18 recodings, :func:`choose_recoding` returns the least general one under which
every combination that occurs is shared by at least ``k`` records; ties go to the one keeping
more distinct combinations. With fewer than ``k`` records there is none: every record keeps
nothing (all three empty), which :func:`k_anonymous` counts as "absent".

Pure Python, no Django: the feedback app seals the fine groups while a survey is open and
applies the recoding chosen here when it closes.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

Groups = tuple[str, str, str]
"""(department, level band, role) of one response; "" where not recorded."""

ABSENT: Groups = ("", "", "")

OTHER_DEPARTMENTS = "Other departments"

WIDER_BAND = {"1-2": "1-4", "3-4": "1-4", "5-6": "5-8", "7-8": "5-8"}
"""The second level of the level-band hierarchy (also defined as choices in the feedback app)."""

LEVELS: tuple[int, int, int] = (3, 3, 2)
"""How many hierarchy levels each dimension has, the last one being "nothing"."""


@dataclass(frozen=True)
class Recoding:
    """One level per dimension, and the departments kept by name at department level 1."""

    department: int = 0
    band: int = 0
    role: int = 0
    kept: frozenset[str] = field(default_factory=frozenset)

    @property
    def height(self) -> int:
        return self.department + self.band + self.role

    def apply(self, groups: Groups) -> Groups:
        department, band, role = groups
        if groups == ABSENT:
            return ABSENT
        if self.department == 1:
            department = department if department in self.kept else OTHER_DEPARTMENTS
        elif self.department >= 2:
            department = ""
        if self.band == 1:
            band = WIDER_BAND.get(band, "")
        elif self.band >= 2:
            band = ""
        if self.role >= 1:
            role = ""
        return (department, band, role)

    def to_json(self) -> dict[str, object]:
        return {
            "department": self.department,
            "band": self.band,
            "role": self.role,
            "kept": sorted(self.kept),
        }

    @classmethod
    def from_json(cls, data: object) -> Recoding:
        """The recoding stored with a survey; anything unreadable is the most general one."""
        if not isinstance(data, dict) or not data:
            return NOTHING
        try:
            return cls(
                int(data["department"]),
                int(data["band"]),
                int(data["role"]),
                frozenset(str(d) for d in data.get("kept", [])),
            )
        except (KeyError, TypeError, ValueError):
            return NOTHING


NOTHING = Recoding(2, 2, 1)
"""The most general recoding: no groups at all."""


def k_anonymous(stored: Iterable[Groups], k: int) -> bool:
    """Whether every stored combination other than "absent" is shared by at least ``k``."""
    counts = Counter(g for g in stored if g != ABSENT)
    return all(n >= k for n in counts.values())


def choose_recoding(records: Sequence[Groups], k: int) -> Recoding:
    """The least general recoding under which ``records`` are k-anonymous.

    Records with no groups at all are left out (they are absent whatever the recoding). With
    fewer than ``k`` records that have groups, the answer is :data:`NOTHING`.
    """
    present = [g for g in records if g != ABSENT]
    if len(present) < k:
        return NOTHING
    by_department = Counter(g[0] for g in present)
    kept = frozenset(d for d, n in by_department.items() if n >= k)
    best: tuple[int, int, int] | None = None
    chosen = NOTHING
    for department, band, role in itertools.product(*(range(n) for n in LEVELS)):
        if department == 1 and not kept:
            continue  # "Other departments" for everyone: the same as no department, mislabelled
        recoding = Recoding(department, band, role, kept if department == 1 else frozenset())
        coded = [recoding.apply(g) for g in present]
        counts = Counter(coded)
        if any(n < k for n in counts.values()):
            continue
        rank = (recoding.height, -len(counts), 3 * department + 2 * band + role)
        if best is None or rank < best:
            best, chosen = rank, recoding
    return chosen

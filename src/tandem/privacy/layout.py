"""Every group of a table (cells and margins) and the equations that add them up."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING

from tandem.privacy.records import ALL, Key

if TYPE_CHECKING:
    from tandem.privacy.tables import AggregateTable


@dataclass(frozen=True)
class Group:
    key: Key
    kept: frozenset[int]
    atoms: tuple[int, ...]
    n: int


@dataclass(frozen=True)
class Constraint:
    """A parent group and the children that partition it along one more dimension."""

    parent: int
    children: tuple[int, ...]


@dataclass(frozen=True)
class Layout:
    """Every group of the table and how they add up; atoms are the finest cells."""

    atom_keys: tuple[Key, ...]
    groups: tuple[Group, ...]
    constraints: tuple[Constraint, ...]
    atom_group: tuple[int, ...]

    @classmethod
    def of(cls, table: AggregateTable) -> Layout:
        atom_keys = tuple(sorted(table.cells, key=_canonical))
        atom_n = [table.cells[key].n for key in atom_keys]
        patterns = _valid_patterns(table.dimensions, table.nested_in)
        members: dict[Key, list[int]] = {}
        kept_of: dict[Key, frozenset[int]] = {}
        for kept in patterns:
            for atom, key in enumerate(atom_keys):
                projected = _project(key, kept)
                members.setdefault(projected, []).append(atom)
                kept_of[projected] = kept
        groups = tuple(
            Group(key, kept_of[key], tuple(atoms), sum(atom_n[a] for a in atoms))
            for key, atoms in members.items()
        )
        index = {group.key: i for i, group in enumerate(groups)}
        constraints = _constraints(groups, index, set(patterns))
        full = frozenset(range(len(table.dimensions)))
        atom_group = tuple(index[_project(key, full)] for key in atom_keys)
        return cls(atom_keys, groups, constraints, atom_group)


def _canonical(key: Key) -> tuple[tuple[str, str], ...]:
    """Order cells by value, never by record order (which could echo submission order)."""
    return tuple((type(value).__qualname__, repr(value)) for value in key)


def _project(key: Key, kept: frozenset[int]) -> Key:
    return tuple(value if i in kept else ALL for i, value in enumerate(key))


def _valid_patterns(
    dimensions: tuple[str, ...], nested_in: Mapping[str, str]
) -> list[frozenset[int]]:
    """Sets of kept dimensions, finest first; a nested dimension is kept only with its parent."""
    position = {dim: i for i, dim in enumerate(dimensions)}
    parent_of = {position[c]: position[p] for c, p in nested_in.items()}
    patterns = []
    for size in range(len(dimensions), -1, -1):
        for kept in combinations(range(len(dimensions)), size):
            if all(parent_of[i] in kept for i in kept if i in parent_of):
                patterns.append(frozenset(kept))
    return patterns


def _constraints(
    groups: tuple[Group, ...], index: Mapping[Key, int], patterns: set[frozenset[int]]
) -> tuple[Constraint, ...]:
    children: dict[tuple[int, int], list[int]] = {}
    for child_index, child in enumerate(groups):
        for dim in sorted(child.kept):
            coarser = child.kept - {dim}
            if coarser in patterns:
                parent = index[_project(child.key, coarser)]
                children.setdefault((parent, dim), []).append(child_index)
    return tuple(Constraint(parent, tuple(kids)) for (parent, _), kids in children.items())

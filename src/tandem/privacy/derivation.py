"""Exact (rational) and integer-programming checks that no hidden group can be derived."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from tandem.privacy.layout import Group, Layout


class AuditUnavailable(Exception):
    """The integer-programming audit could not reach a verdict."""


class Span:
    """Exact row space of the shown groups' equations, remembering how each row was made."""

    def __init__(self) -> None:
        self._basis: list[tuple[int, dict[int, Fraction], dict[int, Fraction]]] = []

    def add(self, columns: Iterable[int], origin: int) -> None:
        vector, combination = self._reduce(
            dict.fromkeys(columns, Fraction(1)), {origin: Fraction(1)}
        )
        if vector:
            self._basis.append((min(vector), vector, combination))

    def express(self, columns: Iterable[int]) -> dict[int, Fraction] | None:
        """Coefficients per origin whose combination equals the 0/1 vector, or None."""
        vector, combination = self._reduce(dict.fromkeys(columns, Fraction(1)), {})
        if vector:
            return None
        return {origin: -c for origin, c in combination.items() if c}

    def _reduce(
        self, vector: dict[int, Fraction], combination: dict[int, Fraction]
    ) -> tuple[dict[int, Fraction], dict[int, Fraction]]:
        for pivot, row, row_combination in self._basis:
            factor = vector.get(pivot)
            if not factor:
                continue
            factor /= row[pivot]
            _subtract(vector, row, factor)
            _subtract(combination, row_combination, factor)
        return vector, combination


def _subtract(target: dict[int, Fraction], row: Mapping[int, Fraction], factor: Fraction) -> None:
    for column, value in row.items():
        updated = target.get(column, Fraction(0)) - factor * value
        if updated:
            target[column] = updated
        else:
            target.pop(column, None)


@dataclass
class System:
    """What a reader can write down: one equation per shown group over the hidden cells."""

    layout: Layout
    hidden: set[int]
    unknown: dict[int, int]  # atom -> column
    rows: dict[int, list[int]]  # shown group -> its unknown columns
    span: Span

    @classmethod
    def of(cls, layout: Layout, hidden: set[int]) -> System:
        unknown_atoms = [a for a, g in enumerate(layout.atom_group) if g in hidden]
        unknown = {atom: column for column, atom in enumerate(unknown_atoms)}
        rows: dict[int, list[int]] = {}
        span = Span()
        for index, group in enumerate(layout.groups):
            columns = [unknown[a] for a in group.atoms if a in unknown]
            if index not in hidden and columns:
                rows[index] = columns
                span.add(columns, index)
        return cls(layout, hidden, unknown, rows, span)

    def unknown_atoms_of(self, group: Group) -> list[int]:
        return [self.unknown[a] for a in group.atoms if a in self.unknown]

    def breakers(
        self, certificate: Mapping[int, Fraction], target_atoms: Iterable[int]
    ) -> set[int]:
        """Shown groups whose hiding breaks this derivation: the groups it combines, and the
        shown cells it relies on (their coefficient in the combination is not zero)."""
        layout = self.layout
        weight: dict[int, Fraction] = {}
        for origin, coefficient in certificate.items():
            for atom in layout.groups[origin].atoms:
                weight[atom] = weight.get(atom, Fraction(0)) + coefficient
        for atom in target_atoms:
            if atom not in self.unknown:
                weight[atom] = weight.get(atom, Fraction(0)) - 1
        shown_cells = {
            layout.atom_group[atom]
            for atom, w in weight.items()
            if w and atom not in self.unknown and layout.groups[layout.atom_group[atom]].n > 0
        }
        return set(certificate) | shown_cells

    def cheapest(self, candidates: set[int]) -> int:
        """Hide the fewest responses, preferring finer groups (keep totals where we can)."""
        groups = self.layout.groups
        return min(candidates, key=lambda i: (groups[i].n, -len(groups[i].kept), i))

    def find_small_derivable_set(self, k: int) -> tuple[list[int], list[int]] | None:
        """A set of hidden cells with 1..k-1 responses whose sum the equations determine.

        Returns its cells (atom indices) and the shown groups the solver combined, or None
        if there is none.
        Solved as a mixed-integer feasibility problem: x (0/1 per small hidden cell) must equal
        a combination y of the shown groups' rows, with 1 <= sum(n * x) <= k - 1.
        """
        atom_n = {
            col: self.layout.groups[self.layout.atom_group[a]].n for a, col in self.unknown.items()
        }
        small = [col for col in sorted(atom_n) if atom_n[col] < k]
        if not small or not self.rows:
            return None
        origins = list(self.rows)
        n_y, n_x = len(origins), len(small)
        matrix = np.zeros((len(atom_n) + 1, n_y + n_x))
        for j, origin in enumerate(origins):
            for col in self.rows[origin]:
                matrix[col, j] = 1.0
        for j, col in enumerate(small):
            matrix[col, n_y + j] = -1.0
            matrix[len(atom_n), n_y + j] = atom_n[col]
        lower = np.zeros(len(atom_n) + 1)
        upper = np.zeros(len(atom_n) + 1)
        lower[-1], upper[-1] = 1, k - 1
        result = milp(
            c=np.zeros(n_y + n_x),
            constraints=LinearConstraint(matrix, lower, upper),
            integrality=np.r_[np.zeros(n_y), np.ones(n_x)],
            bounds=Bounds(
                np.r_[np.full(n_y, -np.inf), np.zeros(n_x)],
                np.r_[np.full(n_y, np.inf), np.ones(n_x)],
            ),
        )
        if result.status == 2:  # infeasible: no such set
            return None
        if result.status != 0 or result.x is None:
            raise AuditUnavailable(result.message)
        column_atom = {column: atom for atom, column in self.unknown.items()}
        chosen = [column_atom[small[j]] for j in range(n_x) if result.x[n_y + j] > 0.5]
        used = [origins[j] for j in range(n_y) if abs(result.x[j]) > 1e-7]
        return chosen, used

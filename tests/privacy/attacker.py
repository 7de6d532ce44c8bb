"""An attacker who opens views of a population and solves the linear system of what they saw.

Written independently of ``tandem.privacy``: it knows each person's cell (a coordinator can read
department and level in the directory) and which views answered. Every figure a view shows is a
sum over the people in it, so the attacker knows ``sum(x_p for p in view)`` for each opened view
and each figure. A set of people ``S`` is pinned down when the indicator of ``S`` lies in the
row space of those equations; people sharing a cell have identical columns, so it is enough to
look at unions of cells. We report every union of cells with 1..k-1 people that is pinned down
(a single person is such a union of size one).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from fractions import Fraction

Cell = tuple[Hashable, ...]
Selection = Mapping[str, Hashable]


def covers(dimensions: Sequence[str], selection: Selection, cell: Cell) -> bool:
    return all(cell[dimensions.index(dim)] == value for dim, value in selection.items())


def _nullspace(rows: list[list[Fraction]], width: int) -> list[list[Fraction]]:
    """Exact basis of the vectors orthogonal to every row (reduced row echelon form)."""
    matrix = [row[:] for row in rows]
    pivots: list[int] = []
    r = 0
    for col in range(width):
        pivot = next((i for i in range(r, len(matrix)) if matrix[i][col] != 0), None)
        if pivot is None:
            continue
        matrix[r], matrix[pivot] = matrix[pivot], matrix[r]
        lead = matrix[r][col]
        matrix[r] = [v / lead for v in matrix[r]]
        for i in range(len(matrix)):
            if i != r and matrix[i][col] != 0:
                factor = matrix[i][col]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[r], strict=True)]
        pivots.append(col)
        r += 1
    basis = []
    for free in (c for c in range(width) if c not in pivots):
        vector = [Fraction(0)] * width
        vector[free] = Fraction(1)
        for i, col in enumerate(pivots):
            vector[col] = -matrix[i][free]
        basis.append(vector)
    return basis


def pinned_small_groups(
    people: Iterable[Cell], dimensions: Sequence[str], opened: Iterable[Selection], k: int
) -> list[tuple[Cell, ...]]:
    """Unions of cells with 1..k-1 people whose total the opened views determine."""
    counts = Counter(tuple(cell) for cell in people)
    cells = sorted(counts, key=repr)
    rows = [
        [Fraction(1 if covers(dimensions, view, cell) else 0) for cell in cells] for view in opened
    ]
    null = _nullspace(rows, len(cells))
    small = [i for i, cell in enumerate(cells) if counts[cell] < k]
    found = []
    for size in range(1, k):
        for chosen in itertools.combinations(small, size):
            if not 0 < sum(counts[cells[i]] for i in chosen) < k:
                continue
            if all(sum(v[i] for i in chosen) == 0 for v in null):
                found.append(tuple(cells[i] for i in chosen))
    return found


def every_selection(dimensions: Sequence[str], values: Mapping[str, Iterable[Hashable]]):
    """The total and every filter combination a reader can choose."""
    options = [[None, *values[dim]] for dim in dimensions]
    for combo in itertools.product(*options):
        yield {dim: v for dim, v in zip(dimensions, combo, strict=True) if v is not None}

"""Top-k candidate lists over *all* feasible pairs, with a certified threshold per person.

The score is ``c + Q[u] . X[v]`` (scoring.py), so every pair is looked at by a blocked matrix
product (float32 BLAS, both cores). For one population the blocks cover only the upper triangle
(the score is symmetric) and skip blocks that an ordered must-have (e.g. level within 2) makes
infeasible. Each row keeps a running k-th best value; only entries above it are read back, so the
selection costs one comparison per pair instead of a partial sort.

``threshold[v]`` is an upper bound on the score of every feasible partner *not* in v's list
(``-inf`` when the list holds all of them). Bounds and optimality certificates rely on it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tandem.matching.scoring import ScoreModel

Progress = Callable[[float, str], None]
BLOCK = 2048
SAMPLE = 256
SUB_BLOCK = 256
SAFETY = 1e-5  # float32 products against the exact float64 scores


def unique_ints(values: np.ndarray) -> np.ndarray:
    """``np.unique`` for integer arrays by sorting: numpy 2.4's hash-based unique is about 40
    times slower on a million widely spread keys (pair keys ``u * n + v``)."""
    values = np.sort(np.asarray(values).ravel())
    if len(values) < 2:
        return values
    keep = np.empty(len(values), bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


@dataclass
class Candidates:
    rows: np.ndarray  # query ids (global)
    neighbours: np.ndarray  # (len(rows), k) global ids of the other side, -1 = none
    threshold: np.ndarray  # per row, bound on any feasible partner not listed; -inf = complete

    @property
    def k(self) -> int:
        return int(self.neighbours.shape[1])


def _initial_thresholds(
    model: ScoreModel,
    rows: np.ndarray,
    cols: np.ndarray,
    k: int,
    q: np.ndarray,
    x: np.ndarray,
    c0: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """The k-th best feasible score of each row against a random sample: a safe first cut."""
    size = min(len(cols), SAMPLE)
    sample = np.sort(rng.choice(cols, size=size, replace=False))
    thr = np.full(len(rows), -np.inf)
    for s in range(0, len(rows), 8192):
        r = rows[s : s + 8192]
        vals = c0 + q[r] @ x[sample].T
        uu = np.repeat(r, size)
        vv = np.tile(sample, len(r))
        ok = model.feasible(uu, vv).reshape(len(r), size)
        vals = np.where(ok, vals, -np.inf)
        count = ok.sum(axis=1)
        kk = np.minimum(count, k)
        srt = -np.sort(-vals, axis=1)
        pick = srt[np.arange(len(r)), np.maximum(kk - 1, 0)]
        thr[s : s + len(r)] = np.where(count > 0, pick - SAFETY, -np.inf)
    return thr


def _bounds(key: np.ndarray | None, count: int) -> list[tuple[int, int]]:
    """Blocks over ids sorted by the prune key: at most ``BLOCK`` long and cut where the key
    changes (unless that leaves a sliver), so that block pairs lie entirely inside or entirely
    outside the must-have range and the skipped blocks are all the infeasible ones."""
    if key is None or count == 0:
        return [(a, min(a + BLOCK, count)) for a in range(0, count, BLOCK)]
    cuts = [0, *(np.flatnonzero(key[1:] != key[:-1]) + 1).tolist(), count]
    out: list[tuple[int, int]] = []
    start = 0
    for s, e in itertools.pairwise(cuts):
        if s > start and (e - start > BLOCK or min(s - start, e - s) >= BLOCK // 4):
            out.append((start, s))
            start = s
        if e - start > BLOCK:
            pieces = -(-(e - start) // BLOCK)
            edges = np.linspace(start, e, pieces + 1).round().astype(np.int64).tolist()
            out.extend(itertools.pairwise(edges[:-1]))
            start = edges[-2]
    out.append((start, count))
    return out


def scan_topk(
    model: ScoreModel,
    k: int,
    rows: np.ndarray | None = None,
    cols: np.ndarray | None = None,
    *,
    seed: int = 0,
    progress: Progress | None = None,
    safe_start: bool = False,
) -> Candidates:
    """Exact top-k feasible partners for each row among ``cols``.

    Without ``cols`` the rows are matched among themselves (one population, symmetric scan).
    ``safe_start`` starts every row from feasible sampled partners (used for the few rows whose
    quick first threshold turned out too high).
    """
    row_ids = np.arange(model.n, dtype=np.int64) if rows is None else np.asarray(rows, np.int64)
    col_ids = row_ids if cols is None else np.asarray(cols, np.int64)
    k = max(1, min(k, len(col_ids)))
    if len(row_ids) == 0 or len(col_ids) == 0:
        return Candidates(
            row_ids, np.full((len(row_ids), k), -1, np.int64), np.full(len(row_ids), -np.inf)
        )
    scan = TopKScan(
        model, k, row_ids, col_ids, symmetric=cols is None, seed=seed, safe_start=safe_start
    )
    return scan.run(progress)


class TopKScan:
    """One scan: each row's running top-k list and threshold, improved block by block.

    Thresholds are kept per *global* id, because a symmetric scan improves a row and a column
    with the same entries; lists and their values are kept per row (position in ``rows``).
    Blocks are laid out over ids sorted by the prune key, so blocks an ordered must-have rules
    out are skipped and the nearest blocks (similar people, high scores) come first.
    """

    def __init__(
        self,
        model: ScoreModel,
        k: int,
        rows: np.ndarray,
        cols: np.ndarray,
        *,
        symmetric: bool,
        seed: int,
        safe_start: bool,
    ) -> None:
        self.model = model
        self.k = k
        self.rows = rows
        self.cols = cols
        self.symmetric = symmetric
        self.seed = seed
        self.complete = k >= len(cols) - (1 if symmetric else 0)
        self.quick_start = not (self.complete or symmetric or safe_start)
        self.prune = model.prune_key()
        self.threshold = np.full(model.n, np.inf)
        self.neighbours = np.full((len(rows), k), -1, np.int64)
        self.scores = np.full((len(rows), k), -np.inf, np.float32)
        self.row_of = np.full(model.n, -1, np.int64)
        self.row_of[rows] = np.arange(len(rows))
        self.threshold_f32 = np.empty(0, np.float32)
        self.pending: tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]] = ([], [], [])
        self._start_thresholds()
        self._lay_out_blocks()

    # --- set-up ---------------------------------------------------------------------------------

    def _start_thresholds(self) -> None:
        """From -inf where nearby blocks set them first (see ``_plan_*``), else from a sample."""
        if self.complete or self.symmetric or self.quick_start:
            self.threshold[self.rows] = -np.inf
            return
        q, x, c0 = self.model.features()
        rng = np.random.default_rng(self.seed)
        self.threshold[self.rows] = _initial_thresholds(
            self.model, self.rows, self.cols, self.k, q, x, c0, rng
        )

    def _lay_out_blocks(self) -> None:
        q, x, self.c0 = self.model.features()
        self.row_order = self._ordered(self.rows)
        self.col_order = self.row_order if self.symmetric else self._ordered(self.cols)
        self.q_rows = np.ascontiguousarray(q[self.row_order])
        self.x_cols = np.ascontiguousarray(x[self.col_order])
        self.row_bounds = _bounds(self._sort_key(self.row_order), len(self.row_order))
        self.col_bounds = (
            self.row_bounds
            if self.symmetric
            else _bounds(self._sort_key(self.col_order), len(self.col_order))
        )
        self.row_spans = [self._span(self.row_order[a:e]) for a, e in self.row_bounds]
        self.col_spans = (
            self.row_spans
            if self.symmetric
            else [self._span(self.col_order[a:e]) for a, e in self.col_bounds]
        )
        self.limit = self.prune[1] if self.prune else np.inf

    def _ordered(self, ids: np.ndarray) -> np.ndarray:
        if self.prune is None:
            return ids
        position = self.prune[0][ids]
        return ids[np.argsort(np.nan_to_num(position, nan=np.inf), kind="stable")]

    def _sort_key(self, ids: np.ndarray) -> np.ndarray | None:
        return None if self.prune is None else np.nan_to_num(self.prune[0][ids], nan=np.inf)

    def _span(self, block: np.ndarray) -> tuple[float, float]:
        if self.prune is None:
            return -np.inf, np.inf
        position = self.prune[0][block]
        position = position[~np.isnan(position)]
        return (float(position.min()), float(position.max())) if len(position) else (np.nan, np.nan)

    def reachable(self, bi: int, bj: int) -> bool:
        """Whether some pair of the two blocks can satisfy the ordered must-have."""
        lo_i, hi_i = self.row_spans[bi]
        lo_j, hi_j = self.col_spans[bj]
        return self.prune is None or not (
            np.isnan(lo_i) or np.isnan(lo_j) or lo_j - hi_i > self.limit or lo_i - hi_j > self.limit
        )

    def distance(self, bi: int, bj: int) -> float:
        """How far apart two blocks are on the prune key (0 when they overlap)."""
        if self.prune is None:
            return 0.0
        lo_i, hi_i = self.row_spans[bi]
        lo_j, hi_j = self.col_spans[bj]
        return max(0.0, lo_j - hi_i, lo_i - hi_j)

    # --- the order of the block pairs ---------------------------------------------------------

    def _plan_symmetric(self) -> list[tuple[int, int]]:
        """Diagonal blocks first (every row then has a good threshold from similar people),
        then the other pairs, nearest on the prune key first, so thresholds rise early."""
        count = len(self.row_bounds)
        if not self.complete:
            for bi in range(count):
                self._quick_thresholds(bi, bi, True)
        self._refresh()
        for bi in range(count):
            if self.reachable(bi, bi):
                self._visit(bi, bi)
        self._merge()
        pairs = [
            (bi, bj) for bi in range(count) for bj in range(bi + 1, count) if self.reachable(bi, bj)
        ]
        pairs.sort(key=lambda p: (self.distance(*p), p[1] - p[0], p[0]))
        return pairs

    def _plan_two_sided(self) -> list[tuple[int, int]]:
        """Each row block visits the column blocks nearest on the prune key first."""
        pairs: list[tuple[int, int]] = []
        for bi in range(len(self.row_bounds)):
            near = sorted(
                (self.distance(bi, bj), bj)
                for bj in range(len(self.col_bounds))
                if self.reachable(bi, bj)
            )
            if self.quick_start and near:
                self._quick_thresholds(bi, near[0][1], False)
            pairs.extend((bi, bj) for _, bj in near)
        self._refresh()
        return pairs

    # --- the scan -------------------------------------------------------------------------------

    def run(self, progress: Progress | None) -> Candidates:
        pairs = self._plan_symmetric() if self.symmetric else self._plan_two_sided()
        total = max(1, len(pairs))
        step = max(1, total // 50)
        for done, (bi, bj) in enumerate(pairs, start=1):
            self._visit(bi, bj)
            self._merge()  # thresholds rise as early as possible: fewer entries read back later
            if progress is not None and (done % step == 0 or done == total):
                progress(done / total, "candidates")
        self._merge()
        self._redo_short_lists()
        bound = self.threshold[self.rows]
        bound = np.where(np.isfinite(bound), np.maximum(bound, 0.0) + SAFETY, -np.inf)
        return Candidates(self.rows, self.neighbours, bound)

    def _quick_thresholds(self, bi: int, bj: int, same_block: bool) -> None:
        """A first threshold for the rows of block ``bi``: their k-th best among part of block
        ``bj`` (the nearest on the prune key, i.e. similar people). Feasibility is not checked:
        a threshold that is too high only means a short list, and short lists are redone."""
        a, a_end = self.row_bounds[bi]
        b, b_end = self.col_bounds[bj]
        width = min(b_end - b, max(SUB_BLOCK, 2 * self.k + 1))
        kk = min(self.k, width - 1) if same_block else min(self.k, width)
        if kk < 1:
            return
        scores = self.q_rows[a:a_end] @ self.x_cols[b : b + width].T
        if self.c0:
            scores += np.float32(self.c0)
        block = self.row_order[a:a_end]
        scores[block[:, None] == self.col_order[None, b : b + width]] = -np.inf  # not oneself
        kth = np.partition(scores, width - kk, axis=1)[:, width - kk]
        self.threshold[block] = np.maximum(self.threshold[block], kth.astype(np.float64) - SAFETY)

    def _refresh(self) -> None:
        """Thresholds in block order, float32. Entries must beat them strictly: ties with the
        k-th best cannot improve a list (and discrete scores tie a lot)."""
        in_order = self.threshold[self.row_order]
        self.threshold_f32 = np.where(np.isfinite(in_order), in_order, -np.inf).astype(np.float32)

    def _visit(self, bi: int, bj: int) -> None:
        """Score one block pair and keep the feasible entries above the thresholds."""
        a, a_end = self.row_bounds[bi]
        b, b_end = self.col_bounds[bj]
        scores = self.q_rows[a:a_end] @ self.x_cols[b:b_end].T
        if self.c0:
            scores += np.float32(self.c0)
        # entries above the row's threshold (and, one population, above the column's): one
        # comparison per entry and a flat nonzero, far cheaper than 2-D nonzero or gathers
        row_hits = np.flatnonzero(scores > self.threshold_f32[a:a_end][:, None])
        block_i = self.row_order[a:a_end]
        block_j = self.col_order[b:b_end]
        self._keep(row_hits, scores, block_i, block_j, for_rows=True)
        if self.symmetric and bi != bj:
            col_hits = np.flatnonzero(scores > self.threshold_f32[b:b_end][None, :])
            self._keep(col_hits, scores, block_i, block_j, for_rows=False)

    def _keep(
        self,
        hits: np.ndarray,
        scores: np.ndarray,
        block_i: np.ndarray,
        block_j: np.ndarray,
        *,
        for_rows: bool,
    ) -> None:
        """Queue the feasible hits for the next merge, owned by the row or by the column."""
        if not len(hits):
            return
        row_pos, col_pos = np.divmod(hits, len(block_j))
        row_ids, col_ids = block_i[row_pos], block_j[col_pos]
        ok = self.model.feasible(row_ids, col_ids)
        owner, partner = (row_ids, col_ids) if for_rows else (col_ids, row_ids)
        owners, partners, values = self.pending
        owners.append(owner[ok])
        partners.append(partner[ok])
        values.append(scores.ravel()[hits[ok]])

    def _merge(self) -> None:
        """Fold the queued entries into the lists (best k per row) and raise thresholds."""
        owners, partners, values = self.pending
        if not owners:
            return
        new_rows = self.row_of[np.concatenate(owners)]
        new_partners = np.concatenate(partners)
        new_scores = np.concatenate(values).astype(np.float64)
        owners.clear()
        partners.clear()
        values.clear()
        touched = unique_ints(new_rows)
        rows, partner, score = self._with_current_lists(touched, new_rows, new_partners, new_scores)
        # one sort: by row, best score first (scores lie well inside (-4, 4))
        order = np.argsort(rows * 8.0 + (4.0 - np.clip(score, -3.9, 3.9)), kind="stable")
        rows, partner, score = rows[order], partner[order], score[order]
        rank = np.arange(len(rows)) - np.searchsorted(rows, rows, side="left")
        keep = rank < self.k
        self.neighbours[touched] = -1
        self.scores[touched] = -np.inf
        self.neighbours[rows[keep], rank[keep]] = partner[keep]
        self.scores[rows[keep], rank[keep]] = score[keep]
        full_rows = touched[self.neighbours[touched, self.k - 1] >= 0]
        ids = self.rows[full_rows]
        kth = self.scores[full_rows, self.k - 1].astype(np.float64)
        self.threshold[ids] = np.maximum(self.threshold[ids], kth)
        self._refresh()

    def _with_current_lists(
        self,
        touched: np.ndarray,
        new_rows: np.ndarray,
        new_partners: np.ndarray,
        new_scores: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The new entries followed by the touched rows' current list entries."""
        old_partners = self.neighbours[touched].ravel()
        old_scores = self.scores[touched].ravel().astype(np.float64)
        old_rows = np.repeat(touched, self.k)
        listed = old_partners >= 0
        return (
            np.concatenate([new_rows, old_rows[listed]]),
            np.concatenate([new_partners, old_partners[listed]]),
            np.concatenate([new_scores, old_scores[listed]]),
        )

    def _redo_short_lists(self) -> None:
        """Rows whose quick threshold was too high (a list shorter than k although partners
        remain) are scanned again from a safe start."""
        short = np.flatnonzero(
            (self.neighbours[:, self.k - 1] < 0) & np.isfinite(self.threshold[self.rows])
        )
        if not ((self.symmetric or self.quick_start) and len(short) and not self.complete):
            return
        redo = scan_topk(
            self.model,
            self.k,
            rows=self.rows[short],
            cols=self.cols,
            seed=self.seed,
            safe_start=True,
        )
        self.neighbours[short] = redo.neighbours
        self.threshold[self.rows[short]] = np.where(
            np.isfinite(redo.threshold), redo.threshold - SAFETY, -np.inf
        )


def all_feasible(model: ScoreModel, rows: np.ndarray, cols: np.ndarray) -> Candidates:
    """Complete lists: every feasible partner among ``cols`` for each row (small inputs)."""
    rows = np.asarray(rows, np.int64)
    cols = np.asarray(cols, np.int64)
    lists = []
    for r in rows.tolist():
        ok = model.feasible(np.full(len(cols), r), cols)
        lists.append(cols[ok])
    width = max((len(a) for a in lists), default=0) or 1
    nbr = np.full((len(rows), width), -1, np.int64)
    for i, a in enumerate(lists):
        nbr[i, : len(a)] = a
    return Candidates(rows, nbr, np.full(len(rows), -np.inf))


def edges_from(
    cands: Candidates, extra: tuple[np.ndarray, np.ndarray] | None = None, n: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Unique undirected edges (u < v) of a candidate graph, plus optional extra pairs."""
    k = cands.neighbours.shape[1]
    u = np.repeat(cands.rows, k)
    v = cands.neighbours.ravel()
    ok = v >= 0
    u, v = u[ok], v[ok]
    if extra is not None and len(extra[0]):
        u = np.concatenate([u, extra[0]])
        v = np.concatenate([v, extra[1]])
    size = int(n if n is not None else max(u.max(initial=0), v.max(initial=0)) + 1)
    a, b = np.minimum(u, v), np.maximum(u, v)
    keys = unique_ints(a * size + b)
    return keys // size, keys % size
